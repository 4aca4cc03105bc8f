/**
 * The default data folder of `fleetwatch serve` and `fleetwatch broker`, per user and per
 * platform conventions:
 * - Linux/BSD: `$XDG_DATA_HOME/fleetwatch`, else `~/.local/share/fleetwatch`
 * - macOS: `~/Library/Application Support/Fleetwatch/data`
 * - Windows: `%APPDATA%\Fleetwatch\data`
 * On macOS and Windows that is the desktop app's folder (`<userData>/data`), so both modes
 * see the same broker state; the data-folder lock keeps them from running on it at once.
 * (Their file systems ignore case, so a lower-case `fleetwatch` would land inside the
 * desktop app's userData anyway.)
 */

import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Fleetwatch', 'data');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Fleetwatch', 'data');
  const xdg = env['XDG_DATA_HOME'];
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), 'fleetwatch');
}
