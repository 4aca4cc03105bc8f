#!/usr/bin/env node
// @ts-check
/**
 * Topic explorer flood bench (issue 5): drives `rate` msg/s across `topics` topics into a
 * running `fleetwatch serve` while Chromium shows the topic tree, and reports
 *  - the UI's frame times (requestAnimationFrame deltas sampled in the page): percentiles,
 *  - click-to-effect delay (pointerdown on a tree row → the frame showing its loaded detail),
 *  - RSS of the host process and of Chromium's renderer over time,
 *  - the rate the explorer actually received and what its memory budget shed.
 *
 *   npm run build && node bench/topics-flood/flood.js [--rate 5000] [--topics 50000]
 *       [--warmup 20] [--seconds 60] [--clients 4] [--filter 'lab/#' | --filter ''] [--json FILE]
 *
 * `--filter 'lab/#'` (default) sets the explorer's MQTT filter so every level is expanded: the
 * virtualized list then holds ~55,000 rows, the heaviest view. `--filter ''` leaves the tree
 * collapsed except for the levels the bench opens.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startFlood } from './load.js';
import { armClickProbe, clickResult, installFrameSampler, jsHeap, takeFrames } from './page-probes.js';
import { sampleMemory } from './procs.js';
import { startServe } from '../lib/serve.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    topics: { type: 'string', default: '50000' },
    warmup: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '4' },
    filter: { type: 'string', default: 'lab/#' },
    'click-every': { type: 'string', default: '3' },
    json: { type: 'string' },
    'host-heap': { type: 'boolean', default: false },
  },
});
const rate = Number(args.rate);
const topics = Number(args.topics);
const warmupS = Number(args.warmup);
const seconds = Number(args.seconds);
const clickEveryS = Number(args['click-every']);

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** @param {number} b */
const mib = (b) => (b / 2 ** 20).toFixed(0);

/** @param {number[]} xs @param {number} p */
function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** @param {number[]} xs */
function summary(xs) {
  return { n: xs.length, p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99), max: xs.length ? Math.max(...xs) : NaN };
}

async function startHost() {
  const dataDir = mkdtempSync(join(tmpdir(), 'fw-topics-flood-'));
  const probe = args['host-heap'] ? ['--expose-gc', '--import', join(repoRoot, 'bench/topics-flood/heap-probe.mjs')] : [];
  const host = await startServe({ dataDir, nodeArgs: probe });
  return {
    url: host.url,
    mqttPort: host.mqttPort,
    pid: host.pid,
    /** live heap after GC, from heap-probe.mjs (null without --host-heap) */
    liveHeap: () => {
      const all = [...host.stderr().matchAll(/heap-probe: live=(\d+)/g)];
      const last = all[all.length - 1];
      return last ? Number(last[1]) : null;
    },
    async stop() {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** @param {import('playwright-core').Page} page */
async function uiStats(page) {
  const text = async (/** @type {string} */ id) => Number(((await page.getByTestId(id).textContent()) ?? '').replace(/[^\d]/g, ''));
  const memory = /memory ([\d.]+) MiB/.exec((await page.getByTestId('stats-memory').textContent()) ?? '')?.[1];
  return {
    topics: await text('stats-topics'),
    messages: await text('stats-messages'),
    modelMiB: memory === undefined ? null : Number(memory),
    shed: (await page.getByTestId('stats-shed').textContent())?.trim() ?? '',
  };
}

/** A leaf row fully inside the tree's viewport, not the selected one. @param {import('playwright-core').Page} page */
async function pickRow(page) {
  return page.evaluate(() => {
    const tree = document.querySelector('[role="tree"]');
    if (!tree) return null;
    const box = tree.getBoundingClientRect();
    const rows = [...document.querySelectorAll('[role="treeitem"]')].filter((el) => {
      const r = el.getBoundingClientRect();
      return el.getAttribute('aria-expanded') === null && el.getAttribute('aria-selected') !== 'true' && r.top >= box.top && r.bottom <= box.bottom;
    });
    const el = rows[Math.floor(Math.random() * rows.length)];
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { path: el.getAttribute('data-path') ?? '', x: r.left + Math.min(120, r.width / 2), y: r.top + r.height / 2 };
  });
}

/** Scrolls the tree to a random place so clicks land on rows the virtual list just created. @param {import('playwright-core').Page} page */
async function scrollSomewhere(page) {
  await page.evaluate(() => {
    const tree = /** @type {HTMLElement | null} */ (document.querySelector('[role="tree"]'));
    if (tree) tree.scrollTop = Math.random() * Math.max(0, tree.scrollHeight - tree.clientHeight);
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Opens the first levels by keyboard when no filter expands them. @param {import('playwright-core').Page} page */
async function openSomeLevels(page) {
  await page.locator('[role="treeitem"][data-path="lab"]').click();
  for (const key of ['ArrowRight', 'ArrowDown', 'ArrowRight', 'ArrowDown', 'ArrowRight']) await page.keyboard.press(key);
}

async function main() {
  const host = await startHost();
  const browser = await chromium.launch({
    executablePath: process.env['FLEETWATCH_CHROMIUM'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
  });
  /** @type {Awaited<ReturnType<typeof startFlood>> | null} */
  let flood = null;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${host.url}#topics`);
    await page.getByRole('tree', { name: 'Topics' }).waitFor();

    flood = await startFlood({ port: host.mqttPort, rate, topics, clients: Number(args.clients) });
    process.stderr.write(`flooding ${rate} msg/s over ${topics} topics; warming up ${warmupS} s …\n`);
    await page.locator('[role="treeitem"][data-path="lab"]').waitFor({ timeout: 60_000 });
    const warmEnd = Date.now() + warmupS * 1000;
    while (Date.now() < warmEnd) await sleep(500);
    if (args.filter) await page.getByTestId('filter-mqtt').fill(args.filter);
    else await openSomeLevels(page);
    await sleep(1000);

    await page.evaluate(installFrameSampler);
    await sleep(200);
    await page.evaluate(takeFrames);
    const before = await uiStats(page);
    const sent0 = flood.counts().sent;
    const t0 = Date.now();
    /** @type {{ t: number, hostRss: number, hostLiveHeap: number | null, rendererRss: number, rendererPss: number, chromiumPss: number, jsHeap: number | null, modelMiB: number | null }[]} */
    const memory = [];
    /** @type {number[]} */
    const clicks = [];
    /** @type {string[]} */
    const clickErrors = [];
    let nextClick = t0 + clickEveryS * 1000;
    while (Date.now() - t0 < seconds * 1000) {
      const m = sampleMemory(host.pid);
      memory.push({ t: (Date.now() - t0) / 1000, ...m, hostLiveHeap: host.liveHeap(), jsHeap: await page.evaluate(jsHeap), modelMiB: (await uiStats(page)).modelMiB });
      if (Date.now() >= nextClick) {
        nextClick = Date.now() + clickEveryS * 1000;
        // Collapsed mode shows one opened device's leaves near the top: keep them in view.
        if (args.filter) await scrollSomewhere(page);
        const target = await pickRow(page);
        if (target) {
          await page.evaluate(armClickProbe, target.path);
          await page.mouse.click(target.x, target.y);
          try {
            clicks.push(await page.evaluate(clickResult));
          } catch (err) {
            clickErrors.push(err instanceof Error ? err.message : String(err));
          }
        }
      }
      await sleep(1000);
    }
    const elapsed = (Date.now() - t0) / 1000;
    const { frames, longTasks } = /** @type {{ frames: number[], longTasks: number[] }} */ (await page.evaluate(takeFrames));
    const after = await uiStats(page);
    const sent = flood.counts().sent - sent0;
    const rows = Number(await page.getByTestId('topic-tree').getAttribute('data-rows'));

    const result = {
      at: new Date().toISOString(),
      params: { rate, topics, warmupS, seconds, clients: Number(args.clients), filter: args.filter, clickEveryS },
      loadAverage: loadavg(),
      achieved: { sentPerS: sent / elapsed, receivedByExplorerPerS: (after.messages - before.messages) / elapsed, skippedTicks: flood.counts().skipped },
      explorer: { topics: after.topics, rows, shed: after.shed },
      frameMs: summary(frames),
      longFrames: { over50ms: frames.filter((f) => f > 50).length, over100ms: frames.filter((f) => f > 100).length },
      longTasksMs: { ...summary(longTasks), totalMs: longTasks.reduce((a, b) => a + b, 0) },
      clickToEffectMs: { ...summary(clicks), errors: clickErrors },
      memory,
    };
    report(result);
    if (args.json) {
      mkdirSync(dirname(args.json), { recursive: true });
      writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
    }
  } finally {
    await flood?.stop().catch(() => undefined);
    await browser.close();
    await host.stop();
  }
}

/** @param {any} r */
function report(r) {
  const f = (/** @type {number} */ x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
  const lines = [
    `topic explorer flood: ${r.params.rate} msg/s target over ${r.params.topics} topics, ${r.params.seconds} s measured, filter ${JSON.stringify(r.params.filter)}`,
    `load average ${r.loadAverage.map((x) => x.toFixed(2)).join(' ')}`,
    `sent ${f(r.achieved.sentPerS)} msg/s, explorer received ${f(r.achieved.receivedByExplorerPerS)} msg/s (skipped ticks ${r.achieved.skippedTicks})`,
    `explorer: ${r.explorer.topics} topics, ${r.explorer.rows} rows in the list; ${r.explorer.shed}`,
    `frame ms: p50 ${f(r.frameMs.p50)}  p90 ${f(r.frameMs.p90)}  p99 ${f(r.frameMs.p99)}  max ${f(r.frameMs.max)}  (${r.frameMs.n} frames; >50 ms: ${r.longFrames.over50ms}, >100 ms: ${r.longFrames.over100ms})`,
    `page long tasks (>50 ms): ${r.longTasksMs.n}, p50 ${f(r.longTasksMs.p50)} ms, max ${f(r.longTasksMs.max)} ms, ${f(r.longTasksMs.totalMs / 1000)} s in total`,
    `click → detail shown, ms: p50 ${f(r.clickToEffectMs.p50)}  p90 ${f(r.clickToEffectMs.p90)}  max ${f(r.clickToEffectMs.max)}  (${r.clickToEffectMs.n} clicks, ${r.clickToEffectMs.errors.length} failed)`,
    'memory (MiB):    t  host RSS  host live heap  model (est.)  renderer RSS  renderer PSS  chromium PSS  page JS heap',
  ];
  for (const m of r.memory.filter((/** @type {any} */ _m, /** @type {number} */ i) => i % 10 === 0 || i === r.memory.length - 1)) {
    const cols = [mib(m.hostRss).padStart(8), (m.hostLiveHeap === null ? '—' : mib(m.hostLiveHeap)).padStart(14), String(m.modelMiB ?? '—').padStart(12), mib(m.rendererRss).padStart(12), mib(m.rendererPss).padStart(12), mib(m.chromiumPss).padStart(12), (m.jsHeap === null ? '—' : mib(m.jsHeap)).padStart(12)];
    lines.push(`             ${String(Math.round(m.t)).padStart(4)}  ${cols.join('  ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`topics-flood: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
