// @ts-check
/**
 * One scenario against one fresh broker, in a fresh temporary directory. Whatever happens —
 * the broker does not start, exits, closes a connection, or hangs past the scenario's hard
 * timeout — the result is a Run record (ok, or failed with the reason and the broker's log
 * tail), and the broker is stopped and its directory removed before the next run.
 */
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { SocketPool } from './client.js';
import { errorText, nowS, sleep, withTimeout } from './util.js';

/** @param {string} path @param {number} bytes */
function tail(path, bytes) {
  try {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    return text.slice(-bytes);
  } catch (_err) {
    return '';
  }
}

/**
 * @param {string} brokerName
 * @param {((o: { workDir: string }) => Promise<import('../brokers/spawn-broker.js').BrokerHandle>) | undefined} start
 * @param {import('../scenarios/context.js').Scenario} scenario
 * @param {Record<string, number>} p @param {number} rep
 * @returns {Promise<import('./summary.js').Run>}
 */
export async function runOne(brokerName, start, scenario, p, rep) {
  const workDir = mkdtempSync(join(tmpdir(), `fw-bench-${brokerName}-`));
  const pool = new SocketPool();
  const started = nowS();
  const load1 = Number((loadavg()[0] ?? 0).toFixed(2));
  /** @type {import('../brokers/spawn-broker.js').BrokerHandle | null} */
  let broker = null;
  try {
    if (!start) throw new Error(`unknown broker ${brokerName}`);
    const b = await start({ workDir });
    broker = b;
    const crashed = b.exited.then((info) => {
      throw new Error(`broker ${info} during the scenario`);
    });
    crashed.catch(() => undefined);
    const metrics = await withTimeout(
      Promise.race([scenario.run({ port: b.port, brokerPid: b.pid, pool, p }), crashed, pool.failure]),
      scenario.timeoutMs(p),
      `${scenario.name} on ${brokerName}`,
    );
    return { scenario: scenario.name, broker: brokerName, rep, ok: true, seconds: nowS() - started, load1, metrics };
  } catch (err) {
    // A lost connection is often the first sign of a crash: give the exit a moment to show.
    if (broker && broker.exitInfo() === null) await sleep(200);
    const exit = broker?.exitInfo();
    return {
      scenario: scenario.name,
      broker: brokerName,
      rep,
      ok: false,
      seconds: nowS() - started,
      load1,
      error: exit && !errorText(err).includes(exit) ? `broker ${exit}: ${errorText(err)}` : errorText(err),
      logTail: tail(join(workDir, 'broker.log'), 2000),
    };
  } finally {
    pool.destroyAll();
    await broker?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

