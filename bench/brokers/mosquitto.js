// @ts-check
/**
 * Debian's mosquitto 2.0 with a generated config. Deviations from its defaults, and why:
 * - `max_queued_messages 0` (no limit; default 1000): the default silently drops QoS 1/2
 *   messages queued for a client beyond 1000, which would fail the zero-loss checks and the
 *   10,000-message offline drain. `max_queued_bytes 0` is its default, written out.
 * - `max_connections -1`: unlimited, for the 5,000-connection scenario.
 * - `persistence true` in a temporary directory, as Debian's packaged config enables it.
 * - `max_inflight_messages 100` (default 20): mosquitto 2.0.11 answers an MQTT 3.1.1 client's
 *   21st in-flight QoS 2 PUBLISH with a PUBREC carrying MQTT 5 reason 151 (quota exceeded) and
 *   drops the connection; the bench's publishers keep up to 50 in flight. The same limit caps
 *   unacknowledged messages towards each subscriber, so raising it can only help mosquitto.
 * mosquitto cannot report a port it chose itself, so we pick a free one and retry on collision.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { spawnBroker, freePort } from './spawn-broker.js';

export const MOSQUITTO = '/usr/sbin/mosquitto';

/** @param {number} port @param {string} dataDir */
export function mosquittoConfig(port, dataDir) {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'max_connections -1',
    'max_queued_messages 0',
    'max_queued_bytes 0',
    'max_inflight_messages 100',
    'persistence true',
    `persistence_location ${dataDir}/`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    '',
  ].join('\n');
}

/** @param {{ workDir: string }} o */
export async function startMosquitto({ workDir }) {
  /** @type {unknown} */
  let lastError;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const confPath = join(workDir, `mosquitto-${attempt}.conf`);
    writeFileSync(confPath, mosquittoConfig(port, workDir));
    try {
      return await spawnBroker({
        name: 'mosquitto',
        command: MOSQUITTO,
        args: ['-c', confPath],
        cwd: workDir,
        logPath: join(workDir, 'broker.log'),
        port,
        portPattern: null,
      });
    } catch (err) {
      lastError = err; // most likely another process took the port in between: try another
    }
  }
  throw lastError;
}

export function mosquittoVersion() {
  try {
    const out = execFileSync(MOSQUITTO, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /mosquitto version (\S+)/.exec(out)?.[1] ?? 'unknown';
  } catch (err) {
    // `mosquitto -h` exits non-zero after printing its usage on some builds.
    const out = String(/** @type {{ stdout?: unknown }} */ (err).stdout ?? '');
    return /mosquitto version (\S+)/.exec(out)?.[1] ?? 'not installed';
  }
}
