// @ts-check
/**
 * Our broker, exactly as users run it: `fleetwatch broker` in its default configuration
 * (persistence on), given only a loopback host, port 0 and a fresh data directory.
 * Needs the build (`npm run build`): it runs dist/, not the TypeScript sources.
 */
import { join, dirname, resolve } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnBroker } from './spawn-broker.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FLEETWATCH_CLI = join(root, 'dist', 'electron', 'cli', 'fleetwatch.js');

/** @param {{ workDir: string }} o */
export function startFleetwatch({ workDir }) {
  if (!existsSync(FLEETWATCH_CLI)) {
    return Promise.reject(new Error(`${FLEETWATCH_CLI} is missing: run npm run build`));
  }
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  return spawnBroker({
    name: 'fleetwatch',
    command: process.execPath,
    args: [FLEETWATCH_CLI, 'broker', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir],
    cwd: workDir,
    logPath: join(workDir, 'broker.log'),
    port: null,
    portPattern: /fleetwatch broker listening on mqtt:\/\/127\.0\.0\.1:(\d+)/,
  });
}
