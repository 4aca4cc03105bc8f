// @ts-check
/**
 * Runs one broker as its own child process (so /proc gives its CPU and RSS), waits until it
 * accepts connections, and stops it. The file-descriptor limit is raised to the hard limit
 * inside a shell that then execs the broker, so the pid we measure is the broker's own.
 * Output goes to a log file in the broker's work directory, never to an unread pipe.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, writeSync } from 'node:fs';
import net from 'node:net';
import { sleep, withTimeout } from '../lib/util.js';

/** Every broker still running, killed when the harness exits (run.js also does on SIGINT/SIGTERM). */
const live = new Set();
export const killAllBrokers = () => {
  for (const child of live) child.kill('SIGKILL');
};
process.on('exit', killAllBrokers);

/**
 * @typedef {object} BrokerHandle
 * @property {string} name
 * @property {number} pid
 * @property {number} port
 * @property {string} logPath
 * @property {Promise<string>} exited resolves with a description once the process has ended
 * @property {() => string | null} exitInfo the description, or null while it runs
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after a grace period
 */

/**
 * @param {object} o
 * @param {string} o.name
 * @param {string} o.command
 * @param {string[]} o.args
 * @param {string} o.cwd
 * @param {string} o.logPath
 * @param {number | null} o.port the port the broker was told to use, polled until it accepts
 * @param {RegExp | null} o.portPattern when the broker chooses its port: a stdout line giving it
 * @param {number} [o.startTimeoutMs]
 * @returns {Promise<BrokerHandle>}
 */
export async function spawnBroker(o) {
  const logFd = openSync(o.logPath, 'a');
  const wrapper = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
  const child = spawn('bash', ['-c', wrapper, o.command, ...o.args], {
    cwd: o.cwd,
    stdio: ['ignore', o.portPattern ? 'pipe' : logFd, logFd],
  });
  live.add(child);
  /** @type {string | null} */
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      exitInfo = signal ? `exited on ${signal}` : `exited with code ${code}`;
      closeSync(logFd);
      resolve(exitInfo);
    });
    child.once('error', (err) => {
      live.delete(child);
      exitInfo = `could not start: ${err.message}`;
      resolve(exitInfo);
    });
  });
  const pid = child.pid ?? -1;
  const startTimeoutMs = o.startTimeoutMs ?? 20_000;

  /** @returns {Promise<number>} */
  const ready = async () => {
    if (o.portPattern) {
      const pattern = o.portPattern;
      return new Promise((resolve) => {
        let text = '';
        child.stdout?.on('data', (chunk) => {
          if (exitInfo === null) writeSync(logFd, chunk);
          if (text.length < 65_536) {
            text += chunk.toString('utf8');
            const match = pattern.exec(text);
            if (match) resolve(Number(match[1]));
          }
        });
      });
    }
    const port = /** @type {number} */ (o.port);
    while (exitInfo === null) {
      if (await canConnect(port)) return port;
      await sleep(25);
    }
    return -1;
  };

  const stop = async () => {
    if (exitInfo !== null) return;
    child.kill('SIGTERM');
    const gone = await withTimeout(exited, 5_000, 'stop').then(() => true, () => false);
    if (!gone) {
      child.kill('SIGKILL');
      await withTimeout(exited, 5_000, 'kill').catch(() => undefined);
    }
  };

  const startFailed = exited.then((info) => {
    throw new Error(`${o.name} ${info} before it was ready (see ${o.logPath})`);
  });
  try {
    const port = await withTimeout(Promise.race([ready(), startFailed]), startTimeoutMs, `${o.name} start`);
    return { name: o.name, pid, port, logPath: o.logPath, exited, exitInfo: () => exitInfo, stop };
  } catch (err) {
    await stop();
    throw err;
  } finally {
    startFailed.catch(() => undefined);
  }
}

/** @param {number} port */
function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A port that was free a moment ago (bind 0, read, close); callers retry on collision. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
