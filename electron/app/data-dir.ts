/**
 * The headless host's default data folder, per user and per platform conventions
 * (the Electron app uses its userData folder instead):
 * - Linux/BSD: `$XDG_DATA_HOME/fleetwatch`, else `~/.local/share/fleetwatch`
 * - macOS: `~/Library/Application Support/fleetwatch`
 * - Windows: `%APPDATA%\fleetwatch`
 */

import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'fleetwatch');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'fleetwatch');
  const xdg = env['XDG_DATA_HOME'];
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), 'fleetwatch');
}
