// Starts the built `fleetwatch serve` for the UI benchmarks and reads what it prints: the page URL
// (its one stdout line) and the MQTT port (from its stderr log).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'dist/electron/cli/fleetwatch.js');

/**
 * @param {{ dataDir: string, nodeArgs?: string[], timeoutMs?: number }} options
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, url: string, mqttPort: number, pid: number, stderr: () => string, stop: () => Promise<void> }>}
 */
export async function startServe({ dataDir, nodeArgs = [], timeoutMs = 60_000 }) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run build' first`);
  const args = [...nodeArgs, cli, 'serve', '--port', '0', '--mqtt-port', '0', '--mqtt-host', '127.0.0.1', '--data-dir', dataDir];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = /^(http:\/\/\S+)\n/m.exec(out)?.[1];
    const mqttPort = /mqtt listening on tcp \S+:(\d+)/.exec(err)?.[1];
    if (url && mqttPort) {
      return {
        child,
        url,
        mqttPort: Number(mqttPort),
        pid: /** @type {number} */ (child.pid),
        stderr: () => err,
        async stop() {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`fleetwatch serve did not start\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
