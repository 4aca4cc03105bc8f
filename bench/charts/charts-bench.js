#!/usr/bin/env node
// @ts-check
/**
 * Charts benchmark (issue 7). The recorder's cost per message on the broker's hot path (in
 * process), then two measurements against `fleetwatch serve` with Chromium showing the Charts view:
 *
 *  live  20 series (4 charts × 5) updated 10 times a second each by 20 real MQTT clients for
 *        `--seconds`; reports the renderer's CPU (Chromium's own Performance.getMetrics through
 *        CDP: TaskDuration and ScriptDuration deltas over wall time), frame times
 *        (requestAnimationFrame deltas sampled in the page: percentiles), how many values the
 *        charts received, points drawn vs. chart width, and the host process's CPU.
 *  open  a 7-day chart of one series with `--points` values recorded over 7 days (written by the
 *        real recorder with a moved clock before the host starts): time from the history
 *        request to the first frame that shows it (the panel's own `charts:load:*` measure),
 *        opened `--opens` times; the same for 24 h and 6 h windows, and the server's share
 *        (the `charts.history` call alone over the bridge WebSocket).
 *
 *   npm run build && node bench/charts/charts-bench.js [--seconds 30] [--warmup 75] [--opens 5]
 *       [--points 100000] [--only ingest|live|open] [--json FILE]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';
import { WebSocket } from 'ws';
import { processCpuSeconds } from '../lib/proc-stats.js';
import { startServe as startServeCli } from '../lib/serve.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (/** @type {string} */ p) => pathToFileURL(join(repoRoot, 'dist/electron', p)).href;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    // long enough that every series holds more values than its chart has pixels (10/s × 75 s > 748 px): decimation is on while measured
    warmup: { type: 'string', default: '75' },
    series: { type: 'string', default: '20' },
    rate: { type: 'string', default: '10' },
    points: { type: 'string', default: '100000' },
    opens: { type: 'string', default: '5' },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const seconds = Number(args.seconds);
const warmupS = Number(args.warmup);
const seriesCount = Number(args.series);
const rate = Number(args.rate);
const pointCount = Number(args.points);
const opens = Number(args.opens);

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {number[]} xs @param {number} p */
function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
/** @param {number} x */
const r1 = (x) => Math.round(x * 10) / 10;
/** @param {number[]} xs */
const summary = (xs) => ({ n: xs.length, p50: r1(percentile(xs, 50)), p90: r1(percentile(xs, 90)), p99: r1(percentile(xs, 99)), max: xs.length ? r1(Math.max(...xs)) : NaN });

/** @param {string} dataDir */
const startServe = (dataDir) => startServeCli({ dataDir });

/** A Node client of the host's WebSocket bridge (the same protocol the page speaks). @param {string} pageUrl */
async function bridge(pageUrl) {
  const u = new URL(pageUrl);
  // The host accepts only its own pages: present the Origin a page of it has.
  const ws = new WebSocket(`ws://${u.host}/bridge?token=${encodeURIComponent(u.searchParams.get('token') ?? '')}`, { origin: u.origin });
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  let id = 0;
  /** @type {Map<number, (r: any) => void>} */
  const waiting = new Map();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.kind === 'result') waiting.get(frame.id)?.(frame.result);
  });
  return {
    /** @param {string} method @param {unknown} request @returns {Promise<any>} */
    invoke(method, request) {
      const n = ++id;
      return new Promise((res, rej) => {
        waiting.set(n, (r) => (r.ok ? res(r.value) : rej(new Error(`${method}: ${r.error.message}`))));
        ws.send(JSON.stringify({ kind: 'invoke', id: n, method, request }));
      });
    },
    close: () => ws.close(),
  };
}

async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env['FLEETWATCH_CHROMIUM'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return { browser, page, cdp };
}

/** @param {import('playwright-core').CDPSession} cdp */
async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

function installFrameSampler() {
  const w = /** @type {any} */ (window);
  w.__frames = [];
  let last = performance.now();
  const tick = (/** @type {number} */ now) => {
    w.__frames.push(now - last);
    if (w.__frames.length > 100_000) w.__frames.shift();
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** @param {import('playwright-core').Page} page */
async function panelStatus(page) {
  return page.getByTestId('chart-status').evaluateAll((els) =>
    els.map((el) => ({
      values: Number(el.getAttribute('data-values')),
      drawn: Number(el.getAttribute('data-drawn')),
      drawnMaxPerLine: Number(el.getAttribute('data-drawn-max')),
      width: Number(el.getAttribute('data-width')),
    })),
  );
}

async function benchLive() {
  const dataDir = mkdtempSync(join(tmpdir(), 'fw-charts-bench-live-'));
  const host = await startServe(dataDir);
  const { browser, page, cdp } = await launch();
  /** @type {import('mqtt').MqttClient[]} */
  const clients = [];
  try {
    const api = await bridge(host.url);
    const topics = Array.from({ length: seriesCount }, (_, i) => `bench/dev-${String(i).padStart(2, '0')}/SENSOR`);
    const perChart = 5;
    const charts = [];
    for (let c = 0; c * perChart < topics.length; c++) {
      charts.push({ title: `Chart ${c + 1}`, series: topics.slice(c * perChart, (c + 1) * perChart).map((topicName) => ({ topicName, path: ['AM2301', 'Temperature'] })) });
    }
    const saved = await api.invoke('charts.saveDashboard', { name: 'Bench', window: '15m', charts });
    api.close();
    for (let i = 0; i < topics.length; i++) {
      clients.push(await mqtt.connectAsync(`mqtt://127.0.0.1:${host.mqttPort}`, { clientId: `bench-dev-${i}`, protocolVersion: 4, reconnectPeriod: 0 }));
    }
    await page.goto(`${host.url}#charts`);
    await page.getByTestId('chart-panel').nth(saved.saved.charts.length - 1).waitFor();
    let published = 0;
    const started = Date.now();
    // Each device publishes `rate` times a second, phases spread so messages do not arrive in lockstep.
    const timers = clients.map((c, i) =>
      setTimeout(() => {
        const t = setInterval(() => {
          const value = 20 + 5 * Math.sin((Date.now() - started) / 20_000 + i) + Math.random() * 0.2;
          c.publish(topics[i] ?? '', JSON.stringify({ Time: new Date().toISOString(), AM2301: { Temperature: Number(value.toFixed(2)), Humidity: 45 } }));
          published++;
        }, 1000 / rate);
        timers.push(t);
      }, (i * 1000) / rate / clients.length),
    );
    await sleep(warmupS * 1000);
    await page.evaluate(installFrameSampler);
    const m0 = await metrics(cdp);
    const hostCpu0 = processCpuSeconds(host.pid);
    const pub0 = published;
    const t0 = Date.now();
    await sleep(seconds * 1000);
    const wall = (Date.now() - t0) / 1000;
    const m1 = await metrics(cdp);
    const hostCpu1 = processCpuSeconds(host.pid);
    const pub1 = published;
    const frames = /** @type {number[]} */ (await page.evaluate(() => /** @type {any} */ (window).__frames));
    const status = await panelStatus(page);
    for (const t of timers) clearInterval(t);
    const d = (/** @type {string} */ k) => (m1[k] ?? 0) - (m0[k] ?? 0);
    return {
      series: seriesCount,
      ratePerSeries: rate,
      seconds: wall,
      publishedPerSecond: r1((pub1 - pub0) / wall),
      renderer: {
        cpuPercent: r1((100 * d('TaskDuration')) / wall),
        scriptPercent: r1((100 * d('ScriptDuration')) / wall),
        layoutPercent: r1((100 * (d('LayoutDuration') + d('RecalcStyleDuration'))) / wall),
        jsHeapMiB: r1((m1['JSHeapUsedSize'] ?? 0) / 2 ** 20),
      },
      frames: summary(frames),
      framesPerSecond: r1(frames.length / wall),
      hostCpuPercent: hostCpu0 === null || hostCpu1 === null ? null : r1((100 * (hostCpu1 - hostCpu0)) / wall),
      charts: status,
    };
  } finally {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await browser.close();
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Records `pointCount` values spread over the last 7 days with the real recorder and a moved clock. @param {string} dataDir */
async function seedWeek(dataDir) {
  const { HistoryService } = await import(dist('services/history/history-service.js'));
  const { DashboardsService } = await import(dist('services/dashboards/dashboards-service.js'));
  const { toLimitsDto } = await import(dist('services/history/limits-dto.js'));
  const end = Date.now();
  const start = end - 7 * 86_400_000;
  const step = (end - start) / pointCount;
  let now = start;
  const t0 = performance.now();
  const history = await HistoryService.open({ dir: join(dataDir, 'history'), now: () => now });
  const ref = { topicName: 'tele/lab-07/SENSOR', path: ['AM2301', 'Temperature'] };
  await history.setCharted([ref]);
  const payload = (/** @type {number} */ v) => new TextEncoder().encode(JSON.stringify({ AM2301: { Temperature: v } }));
  for (let i = 0; i < pointCount; i++) {
    now = start + i * step;
    const v = Number((20 + 5 * Math.sin(i / 2000) + 2 * Math.sin(i / 37)).toFixed(2));
    history.ingest({ topicName: ref.topicName, payload: payload(v), qos: 0, retain: false, publisherId: 'tasmota-lab-07', isWill: false, at: now });
    if (i % 5000 === 4999) await history.flush();
  }
  now = end;
  await history.close();
  const seedMs = performance.now() - t0;
  const dashboards = await DashboardsService.open(dataDir, toLimitsDto(history.limits));
  const saved = await dashboards.save({ name: 'Week', window: '7d', charts: [{ title: 'Lab 07 temperature, 7 days', series: [ref] }] });
  await dashboards.close();
  return { seedMs, key: saved.saved.charts[0].series[0].key };
}

async function benchOpen() {
  const dataDir = mkdtempSync(join(tmpdir(), 'fw-charts-bench-open-'));
  const { seedMs, key } = await seedWeek(dataDir);
  const host = await startServe(dataDir);
  const { browser, page } = await launch();
  try {
    const api = await bridge(host.url);
    const status = await api.invoke('charts.status', {});
    /** @type {Record<string, { server: number[]; page: number[]; values: number; drawn: number; width: number; resolution: string }>} */
    const results = {};
    for (const [win, ms] of /** @type {const} */ ([
      ['7d', 7 * 86_400_000],
      ['24h', 86_400_000],
      ['6h', 6 * 3_600_000],
    ])) {
      /** @type {number[]} */
      const server = [];
      for (let i = 0; i < opens; i++) {
        const t = performance.now();
        await api.invoke('charts.history', { keys: [key], from: Date.now() - ms, to: Date.now(), maxPoints: 1200 });
        server.push(performance.now() - t);
      }
      results[win] = { server, page: [], values: 0, drawn: 0, width: 0, resolution: '' };
    }
    const dash = (await api.invoke('charts.dashboards', {})).dashboards[0];
    for (const win of /** @type {const} */ (['7d', '24h', '6h'])) {
      await api.invoke('charts.saveDashboard', { id: dash.id, name: dash.name, window: win, charts: dash.charts.map((/** @type {any} */ c) => ({ id: c.id, title: c.title, series: c.series.map((/** @type {any} */ s) => ({ topicName: s.topicName, path: s.path, label: s.label })) })) });
      const r = /** @type {NonNullable<typeof results[string]>} */ (results[win]);
      for (let i = 0; i < opens; i++) {
        // A fresh page load each time: the chart is created, asks for its history and draws it.
        await page.goto('about:blank');
        await page.goto(`${host.url}#charts`);
        const loadMs = await page.waitForFunction(
          () => {
            const e = performance.getEntriesByType('measure').find((m) => m.name.startsWith('charts:load:'));
            return e ? e.duration : null;
          },
          null,
          { timeout: 60_000, polling: 50 },
        );
        r.page.push(/** @type {number} */ (await loadMs.jsonValue()));
      }
      const s = page.getByTestId('chart-status');
      await s.waitFor();
      r.values = Number(await s.getAttribute('data-values'));
      r.drawn = Number(await s.getAttribute('data-drawn'));
      r.width = Number(await s.getAttribute('data-width'));
      r.resolution = /\(([^)]+)\)/.exec((await s.textContent()) ?? '')?.[1] ?? '';
    }
    api.close();
    return {
      points: pointCount,
      seedSeconds: r1(seedMs / 1000),
      storedBytes: status.storedBytes,
      windows: Object.fromEntries(
        Object.entries(results).map(([w, r]) => [w, { pageMs: summary(r.page), serverMs: summary(r.server), values: r.values, drawn: r.drawn, width: r.width, resolution: r.resolution }]),
      ),
    };
  } finally {
    await browser.close();
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The recorder's cost on the broker's hot path, in process: `ingest` for messages on topics
 * nobody charts (one Map lookup) and on charted ones (decode, JSON.parse, extract, bucket).
 */
async function benchIngest() {
  const { HistoryService } = await import(dist('services/history/history-service.js'));
  const dir = mkdtempSync(join(tmpdir(), 'fw-charts-bench-ingest-'));
  try {
    const history = await HistoryService.open({ dir: join(dir, 'history') });
    await history.setCharted(Array.from({ length: 20 }, (_, i) => ({ topicName: `lab/dev-${i}/SENSOR`, path: ['AM2301', 'Temperature'] })));
    const payload = new TextEncoder().encode(JSON.stringify({ Time: '2026-01-10T12:00:00', AM2301: { Temperature: 21.5, Humidity: 40.2, DewPoint: 7.6 }, TempUnit: 'C' }));
    /** @param {(i: number) => string} topic @param {number} n */
    const run = (topic, n) => {
      const msgs = Array.from({ length: 1000 }, (_, i) => ({ topicName: topic(i), payload, qos: 0, retain: false, publisherId: `dev-${i % 20}`, isWill: false, at: Date.now() }));
      for (let i = 0; i < 20_000; i++) history.ingest(msgs[i % 1000]);
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) history.ingest(msgs[i % 1000]);
      return Number(process.hrtime.bigint() - t) / n;
    };
    const uncharted = run((i) => `other/dev-${i}/SENSOR`, 2_000_000);
    const charted = run((i) => `lab/dev-${i % 20}/SENSOR`, 200_000);
    history.takeLive();
    await history.close();
    return { unchartedNsPerMessage: r1(uncharted), chartedNsPerMessage: r1(charted) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const report = { at: new Date().toISOString(), load: loadavg().map(r1), ingest: /** @type {unknown} */ (null), live: /** @type {unknown} */ (null), open: /** @type {unknown} */ (null) };
if (args.only === undefined || args.only === 'ingest') {
  report.ingest = await benchIngest();
  console.log('ingest', JSON.stringify(report.ingest));
}
if (args.only === undefined || args.only === 'live') {
  report.live = await benchLive();
  console.log('live', JSON.stringify(report.live, null, 2));
}
if (args.only === undefined || args.only === 'open') {
  report.open = await benchOpen();
  console.log('open', JSON.stringify(report.open, null, 2));
}
if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
