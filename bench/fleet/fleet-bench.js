#!/usr/bin/env node
// @ts-check
/**
 * Fleet view at scale: `node bench/fleet/fleet-bench.js [--devices 500] [--telemetry 5] [--sorts 10]`
 *
 * Starts `fleetwatch serve` (from dist/, so `npm run build` first), connects N simulated devices
 * (mixed Tasmota/ESPHome/Homie, telemetry every --telemetry s), opens the fleet view in Chromium
 * and measures what the user feels: how long until all devices are listed, how long a sort click
 * or a filter keystroke takes to reach the screen, how many rows are in the DOM, how much delta
 * traffic reaches the page, long tasks, and the host's CPU and memory. Prints a table and JSON.
 * Figures only; the tests assert behaviour, never time.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServe } from '../lib/serve.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { SimFleet } = await import(join(repo, 'dist/electron/simulator/fleet.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const N = arg('devices', 500);
const TELEMETRY_S = arg('telemetry', 5);
const SORTS = arg('sorts', 10);
const STEADY_S = arg('steady', 10);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const p90 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)] : NaN;
};

async function startHost(dataDir) {
  return startServe({ dataDir, timeoutMs: 30_000 });
}

/** CPU seconds used by a process so far (Linux /proc). */
async function cpuSeconds(pid) {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(stat[11]) + Number(stat[12])) / 100;
}
async function rssMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const dataDir = await mkdtemp(join(tmpdir(), 'fw-fleet-bench-'));
const host = await startHost(dataDir);
const browser = await chromium.launch({
  executablePath: process.env.FLEETWATCH_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
let deltaFrames = 0;
let deltaBytes = 0;
page.on('websocket', (ws) =>
  ws.on('framereceived', (f) => {
    const text = typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8');
    if (text.includes('"fleet.delta"')) {
      deltaFrames++;
      deltaBytes += text.length;
    }
  }),
);
await page.goto(`${host.url}#fleet`);
await page.getByTestId('alerts-panel').waitFor();
await page.evaluate(() => {
  const w = /** @type {any} */ (window);
  w.__long = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: 'longtask', buffered: true });
});

const fleet = new SimFleet({ host: '127.0.0.1', port: host.mqttPort, devices: N, flavor: 'mixed', prefix: 'b-', telemetryMs: TELEMETRY_S * 1000, rampMs: 0 });
const t0 = Date.now();
await fleet.start();
const connectedMs = Date.now() - t0;
await page.waitForFunction((n) => document.querySelector('[data-testid="fleet-summary"]')?.textContent?.includes(`${n} online`), N, { timeout: 120_000, polling: 50 });
const listedMs = Date.now() - t0;

// Steady state: telemetry flowing, nobody touching the page.
await page.evaluate(() => ((/** @type {any} */ (window)).__long = []));
deltaFrames = 0;
deltaBytes = 0;
const cpu0 = await cpuSeconds(host.child.pid ?? 0);
await new Promise((r) => setTimeout(r, STEADY_S * 1000));
const hostCpuPct = ((await cpuSeconds(host.child.pid ?? 0)) - cpu0) / STEADY_S * 100;
const steady = {
  deltaFramesPerSec: deltaFrames / STEADY_S,
  deltaKiBPerSec: deltaBytes / 1024 / STEADY_S,
  longTasks: await page.evaluate(() => (/** @type {any} */ (window)).__long.length),
  hostCpuPct,
  hostRssMiB: await rssMiB(host.child.pid ?? 0),
};

/** Click a sort header and wait until the first rendered row changed and a frame was painted. */
async function timedSort(key) {
  return page.evaluate(async (k) => {
    const firstId = () => {
      const rows = [...document.querySelectorAll('[role="row"][data-device-id]')];
      rows.sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')));
      return rows[0]?.getAttribute('data-device-id') ?? '';
    };
    const before = firstId();
    const start = performance.now();
    /** @type {HTMLElement} */ (document.querySelector(`[data-testid="sort-${k}"]`)).click();
    for (let i = 0; i < 600 && firstId() === before; i++) await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(undefined))));
    return performance.now() - start;
  }, key);
}
const sortMs = [];
for (let i = 0; i < SORTS; i++) sortMs.push(await timedSort(i % 2 === 0 ? 'id' : 'rssiDbm'));

/** Type a filter and wait until the row count changed and a frame was painted. */
async function timedFilter(text) {
  return page.evaluate(async (t) => {
    const count = () => document.querySelectorAll('[role="row"][data-device-id]').length;
    const summary = () => document.querySelector('[data-testid="fleet-summary"]')?.textContent ?? '';
    const before = summary();
    const input = /** @type {HTMLInputElement} */ (document.querySelector('[data-testid="fleet-filter"]'));
    const start = performance.now();
    input.value = t;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    for (let i = 0; i < 600 && summary() === before; i++) await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(undefined))));
    return { ms: performance.now() - start, rows: count() };
  }, text);
}
const filterMs = [];
for (let i = 0; i < SORTS; i++) filterMs.push((await timedFilter(i % 2 === 0 ? 'tasmota' : '')).ms);
await timedFilter('');

const domRows = await page.locator('[role="row"][data-device-id]').count();
const heapMiB = await page.evaluate(() => ((/** @type {any} */ (performance)).memory?.usedJSHeapSize ?? 0) / 1048576);

const result = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, load1: loadavg()[0], node: process.version },
  devices: N,
  telemetryEverySec: TELEMETRY_S,
  allConnectedMs: connectedMs,
  allListedOnlineMs: listedMs,
  sortClickToPaintMs: { median: median(sortMs), p90: p90(sortMs), runs: sortMs.length },
  filterKeystrokeToPaintMs: { median: median(filterMs), p90: p90(filterMs), runs: filterMs.length },
  domRows,
  pageHeapMiB: heapMiB,
  steady,
};

await fleet.stop();
await browser.close();
host.child.kill('SIGTERM');
await new Promise((r) => host.child.on('exit', r));
await rm(dataDir, { recursive: true, force: true });

const f = (n) => (typeof n === 'number' ? n.toFixed(1) : String(n));
console.log(`fleet view bench: ${N} devices (mixed), telemetry every ${TELEMETRY_S} s, ${result.machine.cpus} cores, load ${f(result.machine.load1)}`);
console.log(`  all devices connected            ${f(connectedMs)} ms`);
console.log(`  all listed online in the page    ${f(listedMs)} ms`);
console.log(`  sort click → painted             median ${f(result.sortClickToPaintMs.median)} ms, p90 ${f(result.sortClickToPaintMs.p90)} ms (${sortMs.length} clicks)`);
console.log(`  filter keystroke → painted       median ${f(result.filterKeystrokeToPaintMs.median)} ms, p90 ${f(result.filterKeystrokeToPaintMs.p90)} ms`);
console.log(`  rows in the DOM                  ${domRows} (of ${N})`);
console.log(`  page JS heap                     ${f(heapMiB)} MiB`);
console.log(`  steady: fleet.delta frames/s     ${f(steady.deltaFramesPerSec)} (${f(steady.deltaKiBPerSec)} KiB/s), long tasks ${steady.longTasks} in ${STEADY_S} s`);
console.log(`  steady: host CPU / RSS           ${f(steady.hostCpuPct)} % of a core, ${f(steady.hostRssMiB)} MiB`);
console.log(JSON.stringify(result));
