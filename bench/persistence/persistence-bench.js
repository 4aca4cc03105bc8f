// @ts-check
/**
 * Persistence benchmarks, ours against mosquitto with persistence on (issue 4):
 *
 *  startup  A store of 100,000 retained messages and 1,000 persistent sessions is made by
 *           publishing and subscribing through MQTT, the broker is stopped (SIGTERM: mosquitto
 *           writes mosquitto.db then), and each restart is timed from spawn to the first CONNACK.
 *           After each start every retained message is fetched once (QoS 0 `#`-style filter) to
 *           prove it was loaded, and one session is checked for sessionPresent.
 *  drain    A cleanSession=0 subscriber (QoS 1) goes away; 10,000 QoS 1 messages are published
 *           (every PUBACK received); it reconnects and the drain is timed from CONNECT until all
 *           10,000 arrived. Three ways: `live` (broker kept running), `restart` (SIGTERM and start
 *           again before reconnecting: the queue comes from disk), `sigkill` (kill -9 instead:
 *           only what was durable comes back — mosquitto saves its database only on shutdown and
 *           on `autosave_interval`, so this shows what each broker loses in a crash).
 *
 * Usage (after `npm run build`):
 *   node bench/persistence/persistence-bench.js [--quick] [--reps N] [--only startup|drain]
 *                                              [--brokers fleetwatch,mosquitto]
 * Prints a table and writes bench/results/persistence-<time>.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SocketPool, openClient } from '../lib/client.js';
import { WindowedPublisher, makeTemplate } from '../lib/publishers.js';
import { TYPE } from '../lib/mqtt-encode.js';
import { PUB_ID, SEQ } from '../lib/payload.js';
import { SeqLedger } from '../lib/seq-ledger.js';
import { processRssBytes, processCpuSeconds } from '../lib/proc-stats.js';
import { sleep, waitFor, median, errorText } from '../lib/util.js';
import { freePort } from '../brokers/spawn-broker.js';
import { MOSQUITTO, mosquittoConfig, mosquittoVersion } from '../brokers/mosquitto.js';
import { FLEETWATCH_CLI } from '../brokers/fleetwatch.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---- options -----------------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (/** @type {string} */ name) => argv.includes(name);
const value = (/** @type {string} */ name, /** @type {string} */ fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? /** @type {string} */ (argv[i + 1]) : fallback;
};
const quick = flag('--quick');
const reps = Number(value('--reps', quick ? '1' : '3'));
const only = value('--only', 'startup,drain').split(',');
const brokers = value('--brokers', 'fleetwatch,mosquitto').split(',');
const RETAINED = quick ? 2_000 : 100_000;
const SESSIONS = quick ? 50 : 1_000;
const MESSAGES = quick ? 500 : 10_000;
const PAYLOAD = 64;

// ---- brokers -----------------------------------------------------------------------------

/**
 * @typedef {object} Running
 * @property {number} pid
 * @property {number} port
 * @property {number} startMs spawn → first CONNACK
 * @property {(signal: NodeJS.Signals) => Promise<void>} stop
 */

/** @param {string} name @param {string} workDir @param {number} port */
function commandFor(name, workDir, port) {
  if (name === 'mosquitto') {
    const conf = join(workDir, 'mosquitto.conf');
    mkdirSync(join(workDir, 'data'), { recursive: true });
    // Debian's mosquitto started as root switches to user `mosquitto`, which cannot write our
    // temp dir: without `user root` its persistence silently saves nothing
    writeFileSync(conf, `${mosquittoConfig(port, join(workDir, 'data'))}user root\n`);
    return { command: MOSQUITTO, args: ['-c', conf] };
  }
  if (!existsSync(FLEETWATCH_CLI)) throw new Error(`${FLEETWATCH_CLI} is missing: run npm run build`);
  return { command: process.execPath, args: [FLEETWATCH_CLI, 'broker', '--host', '127.0.0.1', '--port', String(port), '--data-dir', join(workDir, 'data')] };
}

/** Spawns the broker and polls CONNECT every 2 ms until a CONNACK arrives. @param {string} name @param {string} workDir @param {number} port @returns {Promise<Running>} */
async function start(name, workDir, port) {
  const { command, args } = commandFor(name, workDir, port);
  const t0 = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-4000)));
  /** @type {string | null} */
  let exit = null;
  const exited = new Promise((res) => child.once('exit', (code, signal) => res((exit = `${signal ?? code}`))));
  const pool = new SocketPool();
  let startMs = -1;
  const deadline = t0 + 120_000;
  while (startMs < 0) {
    if (exit !== null) throw new Error(`${name} exited (${exit}) before it was ready: ${stderr}`);
    if (performance.now() > deadline) throw new Error(`${name} not ready after 120 s`);
    try {
      const probe = await openClient(port, { clientId: `probe-${process.pid}` }, pool, 2_000);
      startMs = performance.now() - t0;
      await probe.disconnect();
    } catch {
      await sleep(2);
    }
  }
  pool.destroyAll();
  const stop = async (/** @type {NodeJS.Signals} */ signal) => {
    if (exit === null) child.kill(signal);
    await exited;
  };
  return { pid: child.pid ?? -1, port, startMs, stop };
}

// ---- workloads ---------------------------------------------------------------------------

/** Publishes `count` retained QoS 1 messages to distinct topics lab/r/0000000… and waits for every PUBACK. */
async function publishRetained(/** @type {number} */ port, /** @type {number} */ count) {
  const pool = new SocketPool();
  const client = await openClient(port, { clientId: 'bench-retained-pub' }, pool);
  const tpl = makeTemplate({ topicName: 'lab/r/0000000', payloadSize: PAYLOAD, qos: 1, retain: true });
  const digitsAt = tpl.packetIdOffset - 7;
  const ledger = new SeqLedger();
  const publisher = new WindowedPublisher(client, {
    tpl,
    qos: 1,
    pubId: 1,
    window: 200,
    ledger,
    limit: count,
    patch: (buf, at, seq) => void buf.write(String(seq).padStart(7, '0'), at + digitsAt, 'latin1'),
  });
  publisher.start();
  await waitFor(() => publisher.completed >= count, 600_000, () => `${publisher.completed} of ${count} retained publishes acknowledged`, 10);
  await client.disconnect();
  pool.destroyAll();
}

/** Creates `count` persistent sessions, each with two subscriptions that match no retained message. */
async function createSessions(/** @type {number} */ port, /** @type {number} */ count) {
  const pool = new SocketPool();
  for (let base = 0; base < count; base += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - base) }, async (_, k) => {
        const i = base + k;
        const c = await openClient(port, { clientId: `bench-session-${i}`, cleanSession: false }, pool);
        await c.subscribe([{ topicFilter: `cmd/${i}/+`, qos: 1 }, { topicFilter: `ota/${i}`, qos: 1 }]);
        await c.disconnect();
      }),
    );
  }
  pool.destroyAll();
}

/** Receives every retained message under lab/r/# once (QoS 0); returns ms from SUBSCRIBE to the last one. */
async function fetchRetained(/** @type {number} */ port, /** @type {number} */ count) {
  const pool = new SocketPool();
  let received = 0;
  const c = await openClient(port, { clientId: 'bench-retained-check' }, pool, 15_000, (client) => {
    client.onPublish = () => void received++;
  });
  const t0 = performance.now();
  await c.subscribe([{ topicFilter: 'lab/r/#', qos: 0 }]);
  await waitFor(() => received >= count, 120_000, () => `${received} of ${count} retained messages received`, 5);
  const ms = performance.now() - t0;
  await c.disconnect();
  pool.destroyAll();
  return ms;
}

async function sessionPresent(/** @type {number} */ port, /** @type {string} */ clientId) {
  const pool = new SocketPool();
  const c = await openClient(port, { clientId, cleanSession: false }, pool);
  const present = c.sessionPresent;
  await c.disconnect();
  pool.destroyAll();
  return present;
}

function dirBytes(/** @type {string} */ dir) {
  let total = 0;
  for (const f of readdirSync(dir)) {
    const s = statSync(join(dir, f));
    if (s.isFile()) total += s.size;
  }
  return total;
}

// ---- scenarios ---------------------------------------------------------------------------

async function startupBench(/** @type {string} */ name) {
  const workDir = mkdtempSync(join(tmpdir(), `fw-bench-persist-${name}-`));
  try {
    const port = await freePort();
    let broker = await start(name, workDir, port);
    const tPopulate = performance.now();
    await publishRetained(port, RETAINED);
    await createSessions(port, SESSIONS);
    const populateSec = (performance.now() - tPopulate) / 1000;
    await broker.stop('SIGTERM');
    const storeBytes = dirBytes(join(workDir, 'data'));
    const runs = [];
    for (let r = 0; r < reps; r++) {
      const cpu0 = null;
      broker = await start(name, workDir, port);
      const cpuAtReady = processCpuSeconds(broker.pid);
      const rss = processRssBytes(broker.pid);
      const fetchMs = await fetchRetained(port, RETAINED);
      const present = await sessionPresent(port, `bench-session-${SESSIONS - 1}`);
      await broker.stop('SIGTERM');
      void cpu0;
      runs.push({ startMs: Math.round(broker.startMs), cpuSecAtReady: cpuAtReady, rssMB: rss === null ? null : Math.round(rss / 1e6), fetchAllRetainedMs: Math.round(fetchMs), sessionPresent: present });
      console.error(`  ${name} startup run ${r + 1}: ${Math.round(broker.startMs)} ms to CONNACK, all retained in ${Math.round(fetchMs)} ms, session present: ${present}`);
    }
    return { broker: name, retained: RETAINED, sessions: SESSIONS, populateSec: Number(populateSec.toFixed(1)), storeMB: Number((storeBytes / 1e6).toFixed(1)), runs, medianStartMs: median(runs.map((x) => x.startMs)), medianFetchMs: median(runs.map((x) => x.fetchAllRetainedMs)) };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** @param {string} name @param {'live' | 'restart' | 'sigkill'} mode */
async function drainOnce(name, mode) {
  const workDir = mkdtempSync(join(tmpdir(), `fw-bench-drain-${name}-`));
  const pool = new SocketPool();
  try {
    const port = await freePort();
    let broker = await start(name, workDir, port);
    const session = { clientId: 'bench-drain-sub', cleanSession: false };
    const first = await openClient(port, session, pool);
    await first.subscribe([{ topicFilter: 'bench/drain/#', qos: 1 }]);
    await first.disconnect();

    const ledger = new SeqLedger();
    const pub = await openClient(port, { clientId: 'bench-drain-pub' }, pool);
    const publisher = new WindowedPublisher(pub, { tpl: makeTemplate({ topicName: 'bench/drain/t', payloadSize: PAYLOAD, qos: 1 }), qos: 1, pubId: 0, window: 50, ledger, limit: MESSAGES });
    publisher.start();
    await waitFor(() => publisher.completed >= MESSAGES, 120_000, () => `${publisher.completed} of ${MESSAGES} publishes acknowledged`, 10);
    await pub.disconnect();

    if (mode !== 'live') {
      await broker.stop(mode === 'restart' ? 'SIGTERM' : 'SIGKILL');
      broker = await start(name, workDir, port);
    }

    /** @type {import('../lib/client.js').RawClient | null} */
    let again = null;
    const onPublish = (/** @type {number} */ flags, /** @type {Buffer} */ buf, /** @type {number} */ startAt, /** @type {number} */ end) => {
      const topicEnd = startAt + 2 + buf.readUInt16BE(startAt);
      if (((flags >> 1) & 3) > 0) again?.queueAck(TYPE.PUBACK, buf.readUInt16BE(topicEnd));
      ledger.markReceived(buf.readUInt32BE(end - PAYLOAD + PUB_ID), buf.readUInt32BE(end - PAYLOAD + SEQ));
    };
    const t0 = performance.now();
    again = await openClient(port, session, pool, 15_000, (c) => {
      // queued messages may arrive in the same chunk as CONNACK, before openClient resolves
      again = c;
      c.onPublish = onPublish;
    });
    let complete = true;
    // after a SIGKILL a broker may legitimately have lost the queue: wait until deliveries stop
    const expectAll = mode !== 'sigkill';
    if (expectAll) {
      await waitFor(() => ledger.uniqueReceived >= MESSAGES, 120_000, 'drain', 1).catch(() => void (complete = false));
    } else {
      let last = -1;
      while (ledger.uniqueReceived !== last && ledger.uniqueReceived < MESSAGES) {
        last = ledger.uniqueReceived;
        await sleep(1500);
      }
    }
    const ms = performance.now() - t0;
    await again.disconnect();
    await broker.stop('SIGTERM');
    return {
      drainMs: complete && ledger.uniqueReceived >= MESSAGES ? Math.round(ms) : null,
      delivered: ledger.uniqueReceived,
      lost: ledger.lost(),
      duplicates: ledger.duplicates,
      sessionPresent: again.sessionPresent,
    };
  } finally {
    pool.destroyAll();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function drainBench(/** @type {string} */ name) {
  /** @type {Record<string, unknown>} */
  const out = { broker: name, messages: MESSAGES };
  for (const mode of /** @type {const} */ (['live', 'restart', 'sigkill'])) {
    const runs = [];
    for (let r = 0; r < (mode === 'sigkill' ? 1 : reps); r++) {
      const run = await drainOnce(name, mode);
      runs.push(run);
      console.error(`  ${name} drain (${mode}) run ${r + 1}: ${run.drainMs ?? '-'} ms, ${run.delivered} of ${MESSAGES} delivered, ${run.duplicates} duplicates`);
    }
    out[mode] = { runs, medianDrainMs: median(runs.map((x) => x.drainMs).filter((x) => x !== null)), delivered: Math.min(...runs.map((x) => x.delivered)) };
  }
  return out;
}

// ---- main ----------------------------------------------------------------------------------

/** @param {number | null | undefined} a @param {number | null | undefined} b */
const ratio = (a, b) => (a && b ? Number((a / b).toFixed(2)) : null);

async function main() {
  const results = { at: new Date().toISOString(), quick, reps, mosquitto: mosquittoVersion(), node: process.version, startup: /** @type {any[]} */ ([]), drain: /** @type {any[]} */ ([]) };
  for (const name of brokers) {
    if (only.includes('startup')) {
      console.error(`${name}: startup with ${RETAINED} retained messages and ${SESSIONS} sessions`);
      results.startup.push(await startupBench(name).catch((err) => ({ broker: name, error: errorText(err) })));
    }
    if (only.includes('drain')) {
      console.error(`${name}: drain of ${MESSAGES} queued QoS 1 messages`);
      results.drain.push(await drainBench(name).catch((err) => ({ broker: name, error: errorText(err) })));
    }
  }
  const by = (/** @type {any[]} */ list, /** @type {string} */ name) => list.find((x) => x.broker === name) ?? {};
  const fw = { s: by(results.startup, 'fleetwatch'), d: by(results.drain, 'fleetwatch') };
  const mq = { s: by(results.startup, 'mosquitto'), d: by(results.drain, 'mosquitto') };
  const lines = [
    '| measure | fleetwatch | mosquitto | ratio |',
    '|---|---|---|---|',
    `| startup to first CONNACK, ${RETAINED} retained + ${SESSIONS} sessions (ms) | ${fw.s.medianStartMs ?? '-'} | ${mq.s.medianStartMs ?? '-'} | ${ratio(fw.s.medianStartMs, mq.s.medianStartMs) ?? '-'} |`,
    `| then all retained delivered to a \`lab/r/#\` subscriber (ms) | ${fw.s.medianFetchMs ?? '-'} | ${mq.s.medianFetchMs ?? '-'} | ${ratio(fw.s.medianFetchMs, mq.s.medianFetchMs) ?? '-'} |`,
    `| broker RSS after startup (MB) | ${fw.s.runs?.[0]?.rssMB ?? '-'} | ${mq.s.runs?.[0]?.rssMB ?? '-'} | |`,
    `| store on disk (MB) | ${fw.s.storeMB ?? '-'} | ${mq.s.storeMB ?? '-'} | |`,
    `| drain ${MESSAGES} queued QoS 1, broker kept running (ms) | ${fw.d.live?.medianDrainMs ?? '-'} | ${mq.d.live?.medianDrainMs ?? '-'} | ${ratio(fw.d.live?.medianDrainMs, mq.d.live?.medianDrainMs) ?? '-'} |`,
    `| drain ${MESSAGES} queued QoS 1 after a clean restart (ms) | ${fw.d.restart?.medianDrainMs ?? '-'} | ${mq.d.restart?.medianDrainMs ?? '-'} | ${ratio(fw.d.restart?.medianDrainMs, mq.d.restart?.medianDrainMs) ?? '-'} |`,
    `| acknowledged messages delivered after kill -9 | ${fw.d.sigkill?.delivered ?? '-'} of ${MESSAGES} | ${mq.d.sigkill?.delivered ?? '-'} of ${MESSAGES} | |`,
  ];
  console.log(lines.join('\n'));
  for (const x of [...results.startup, ...results.drain]) if (x.error) console.log(`${x.broker}: FAILED: ${x.error}`);
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `persistence-${results.at.replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults: ${file}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
