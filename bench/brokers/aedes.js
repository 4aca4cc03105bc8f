// @ts-check
/** aedes 1.x from npm, run by aedes-runner.mjs in its own Node process. */
import { join, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { spawnBroker } from './spawn-broker.js';

const here = dirname(fileURLToPath(import.meta.url));

/** @param {{ workDir: string }} o */
export function startAedes({ workDir }) {
  return spawnBroker({
    name: 'aedes',
    command: process.execPath,
    args: [join(here, 'aedes-runner.mjs'), '0'],
    cwd: workDir,
    logPath: join(workDir, 'broker.log'),
    port: null,
    portPattern: /aedes listening on mqtt:\/\/127\.0\.0\.1:(\d+)/,
  });
}

export function aedesVersion() {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = join(dirname(require.resolve('aedes')), 'package.json');
    return String(JSON.parse(readFileSync(pkgPath, 'utf8')).version);
  } catch (_err) {
    return 'not installed';
  }
}
