// @ts-check
/** Markdown tables of a run's summary, printed to the console and written into bench/README.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { targetText } from './summary.js';

export const README_START = '<!-- bench-results:start -->';
export const README_END = '<!-- bench-results:end -->';

/** @typedef {ReturnType<typeof import('./summary.js').summarize>[number]} Row */

/** @param {number | null | undefined} v @param {string} unit */
export function fmt(v, unit) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (unit === 'msg/s') return v >= 10_000 ? `${(v / 1000).toFixed(0)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0);
  if (unit === 'ms' || unit === 's') return v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0);
  if (unit === 'KiB' || unit === 'MiB') return v.toFixed(1);
  return String(v);
}

/** @param {number | null} r */
const fmtRatio = (r) => (r === null ? '—' : `${r.toFixed(2)}×`);

/** @param {import('./summary.js').BrokerSummary | undefined} b @param {string} unit */
function cell(b, unit) {
  if (!b || b.reps === 0) return 'not run';
  if (b.okReps === 0) return 'FAILED';
  const partial = b.okReps < b.reps ? ` (${b.okReps}/${b.reps} ok)` : '';
  const loss = b.zeroLoss === false ? ' LOSS' : '';
  return `${fmt(b.median, unit)}${partial}${loss}`;
}

/** @param {boolean | null} v */
const met = (v) => (v === null ? '—' : v ? 'yes' : 'NO');

/** @param {string[]} cells */
const line = (cells) => `| ${cells.join(' | ')} |`;

/**
 * @param {Row[]} rows @param {string[]} brokers
 * @param {Record<string, [string, string][]>} details
 */
export function tables(rows, brokers, details) {
  const out = [];
  out.push(line(['Scenario', 'Metric', ...brokers, 'ours ÷ mosq', 'aedes ÷ mosq', 'ours ÷ aedes', 'Target (ours)', 'Met']));
  out.push(line(Array.from({ length: brokers.length + 7 }, () => '---')));
  for (const r of rows) {
    const unit = r.headline.unit;
    out.push(
      line([
        r.title,
        `${r.headline.label} (${unit}, ${r.headline.better} is better)`,
        ...brokers.map((b) => cell(r.perBroker[b], unit)),
        fmtRatio(r.ratios['fleetwatch/mosquitto'] ?? null),
        fmtRatio(r.ratios['aedes/mosquitto'] ?? null),
        fmtRatio(r.ratios['fleetwatch/aedes'] ?? null),
        targetText(r.headline),
        met(r.targetMet),
      ]),
    );
  }
  out.push('');
  out.push(
    'Headline figure of each repetition (the spread shows how noisy the machine was), secondary figures (medians), ' +
      'zero-loss checks, and CPU share in % of one core (broker / load generator) during the measured window:',
  );
  out.push('');
  out.push(line(['Scenario', ...brokers.map((b) => `${b}`)]));
  out.push(line(Array.from({ length: brokers.length + 1 }, () => '---')));
  for (const r of rows) {
    const cells = brokers.map((b) => {
      const s = r.perBroker[b];
      if (!s || s.okReps === 0) return s && s.reps > 0 ? 'FAILED' : 'not run';
      const parts = [];
      if (s.values.length > 1) parts.push(`per rep ${s.values.map((v) => fmt(v, r.headline.unit)).join(' / ')}`);
      parts.push(...(details[r.scenario] ?? []).map(([m, label]) => `${label} ${fmt(s.details[m], unitOf(m))}`));
      if (s.zeroLoss !== null) parts.push(`lost ${s.lost ?? '—'}, dup ${s.duplicates ?? '—'}`);
      parts.push(`cpu ${s.brokerCpuPct ?? '—'}/${s.loadgenCpuPct ?? '—'}`);
      return parts.join('; ');
    });
    out.push(line([r.title, ...cells]));
  }
  const failures = rows.flatMap((r) => brokers.flatMap((b) => (r.perBroker[b]?.errors ?? []).map((e) => `- ${r.scenario} / ${b} ${e}`)));
  if (failures.length > 0) {
    out.push('');
    out.push('Failures:');
    out.push('');
    out.push(...failures);
  }
  return out.join('\n');
}

/** @param {string} metric */
function unitOf(metric) {
  if (metric.endsWith('PerSec')) return 'msg/s';
  if (metric.endsWith('Ms')) return 'ms';
  if (metric.endsWith('Sec')) return 's';
  if (metric.endsWith('MiB')) return 'MiB';
  return '';
}

/**
 * @param {{ machine: Record<string, unknown>, startedAt: string, durationSec: number, reps: number, load: { start: number, end: number } }} meta
 * @param {string} resultsFile relative path
 */
export function machineLine(meta, resultsFile) {
  const m = meta.machine;
  return [
    `Run of ${meta.startedAt} (${meta.reps} repetitions, brokers alternated; ${meta.durationSec.toFixed(0)} s; results: \`${resultsFile}\`).`,
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}; ` +
      `mosquitto ${m.mosquitto}, aedes ${m.aedes}, fleetwatch at ${m.fleetwatchCommit ?? 'unknown commit'} (dist built ${m.fleetwatchBuiltAt ?? 'never'}). ` +
      `1-minute load average ${meta.load.start} at start, ${meta.load.end} at end.`,
  ].join('\n');
}

/** Replaces the text between the README markers. @param {string} readmePath @param {string} body */
export function updateReadme(readmePath, body) {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`${readmePath} lacks the ${README_START} / ${README_END} markers`);
  const next = `${text.slice(0, start + README_START.length)}\n${body}\n${text.slice(end)}`;
  writeFileSync(readmePath, next);
}
