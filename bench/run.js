#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: runs every scenario against every broker, each run on a fresh broker
 * process, rotating the broker order every repetition so machine drift hits all equally.
 * Writes bench/results/<time>.json, prints medians and ratios, and (for a full run) writes
 * the summary into bench/README.md. A broker that fails, crashes or hangs in a scenario
 * gets that run marked failed, and the bench carries on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE } from './lib/args.js';
import { runOne } from './lib/run-one.js';
import { machineInfo, loadAverage } from './lib/machine.js';
import { summarize } from './lib/summary.js';
import { tables, machineLine, updateReadme } from './lib/report.js';
import { errorText, nowS } from './lib/util.js';
import { BROKERS, BROKER_NAMES } from './brokers/index.js';
import { mosquittoConfig } from './brokers/mosquitto.js';
import { killAllBrokers } from './brokers/spawn-broker.js';
import { SCENARIOS, DETAILS, SCENARIO_NAMES } from './scenarios/index.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');

/** @param {import('./lib/summary.js').Run} r */
function progressLine(r) {
  if (!r.ok) return `  ${r.scenario.padEnd(12)} ${r.broker.padEnd(11)} rep ${r.rep}  FAILED: ${r.error}`;
  const m = r.metrics ?? {};
  const shown = Object.entries(m)
    .filter(([, v]) => v !== null)
    .slice(0, 6)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `  ${r.scenario.padEnd(12)} ${r.broker.padEnd(11)} rep ${r.rep}  ${shown} cpu=${m.brokerCpuPct ?? '?'}/${m.loadgenCpuPct ?? '?'}% (${r.seconds.toFixed(1)} s)`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const startedAt = new Date();
  const t0 = nowS();
  const load0 = loadAverage();
  const machine = machineInfo(repoRoot);
  const mode = opts.quick ? 'quick' : 'full';
  const selected = SCENARIOS.filter((s) => opts.scenarios.includes(s.scenario.name));
  process.stdout.write(
    `fleetwatch bench (${mode}): ${opts.reps} rep(s) × ${selected.length} scenario(s) × ${opts.brokers.length} broker(s)\n` +
      `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, mosquitto ${machine.mosquitto}, aedes ${machine.aedes}\n`,
  );

  /** @type {import('./lib/summary.js').Run[]} */
  const runs = [];
  for (let rep = 1; rep <= opts.reps; rep += 1) {
    const shift = (rep - 1) % opts.brokers.length;
    const order = [...opts.brokers.slice(shift), ...opts.brokers.slice(0, shift)];
    process.stdout.write(`rep ${rep}/${opts.reps} (order: ${order.join(', ')})\n`);
    for (const { scenario } of selected) {
      for (const broker of order) {
        const run = await runOne(broker, BROKERS[broker], scenario, scenario.params[mode], rep);
        runs.push(run);
        process.stdout.write(`${progressLine(run)}\n`);
      }
    }
  }

  const summary = summarize(runs, opts.scenarios, opts.brokers, DETAILS);
  const finishedAt = new Date();
  const durationSec = nowS() - t0;
  const load = { start: load0, end: loadAverage() };
  const outDir = resolve(opts.out ?? join(benchDir, 'results'));
  mkdirSync(outDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const resultsPath = join(outDir, `${stamp}${opts.quick ? '-quick' : ''}.json`);
  const results = {
    schema: 'fleetwatch-bench/1',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSec: Number(durationSec.toFixed(1)),
    command: process.argv.slice(2),
    options: { reps: opts.reps, quick: opts.quick, scenarios: opts.scenarios, brokers: opts.brokers },
    machine,
    load,
    brokerSetup: {
      fleetwatch: 'node dist/electron/cli/fleetwatch.js broker --host 127.0.0.1 --port 0 --data-dir <fresh temp dir> (default configuration)',
      mosquitto: mosquittoConfig(0, '<fresh temp dir>').trim().split('\n'),
      aedes: 'bench/brokers/aedes-runner.mjs: await Aedes.createBroker() with its default in-memory persistence, node:net server',
    },
    params: Object.fromEntries(selected.map(({ scenario }) => [scenario.name, scenario.params[mode]])),
    runs,
    summary,
  };
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);

  const shownPath = relative(repoRoot, resultsPath).startsWith('..') ? resultsPath : relative(repoRoot, resultsPath);
  const body = `${machineLine({ machine, startedAt: results.startedAt, durationSec, reps: opts.reps, load }, shownPath)}\n\n${tables(summary, opts.brokers, DETAILS)}`;
  process.stdout.write(`\n${body}\n\nresults: ${resultsPath}\n`);
  const fullRun =
    !opts.quick && opts.out === null && SCENARIO_NAMES.every((s) => opts.scenarios.includes(s)) && BROKER_NAMES.every((b) => opts.brokers.includes(b));
  if (opts.readme ?? fullRun) {
    updateReadme(join(benchDir, 'README.md'), body);
    process.stdout.write('bench/README.md updated\n');
  }
  return 0;
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    killAllBrokers();
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`bench: ${errorText(err)}\n`);
    process.exitCode = 2;
  },
);
