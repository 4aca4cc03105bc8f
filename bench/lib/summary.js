// @ts-check
/**
 * Turns the individual runs into medians per scenario and broker, ratios against mosquitto
 * (and ours against aedes), and a verdict on each target. Failed runs never enter a median;
 * they are counted so a broker that crashed in one rep of three is visible.
 */
import { SCENARIOS } from '../scenarios/index.js';
import { median } from './util.js';

/**
 * @typedef {object} Run
 * @property {string} scenario
 * @property {string} broker
 * @property {number} rep
 * @property {boolean} ok
 * @property {number} seconds wall time including broker start/stop
 * @property {Record<string, number | boolean | string | null>} [metrics]
 * @property {string} [error]
 * @property {string} [logTail]
 * @property {number} [load1] the machine's 1-minute load average when the run started
 *
 * @typedef {object} BrokerSummary
 * @property {number} reps
 * @property {number} okReps
 * @property {number | null} median headline metric
 * @property {(number | null)[]} values headline metric of each rep in run order (null: failed), to show the spread
 * @property {Record<string, number | null>} details medians of the secondary metrics
 * @property {number | null} brokerCpuPct
 * @property {number | null} loadgenCpuPct
 * @property {boolean | null} zeroLoss every ok rep reported zero loss (null: not checked here)
 * @property {number | null} lost summed over reps
 * @property {number | null} duplicates summed over reps
 * @property {string[]} errors
 */

/** @param {unknown} v @returns {v is number} */
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** @param {Run[]} runs @param {string} metric */
const medianOf = (runs, metric) => median(runs.map((r) => r.metrics?.[metric]).filter(isNum));

/** @param {Run[]} runs @param {string} metric */
function sumOf(runs, metric) {
  const values = runs.map((r) => r.metrics?.[metric]).filter(isNum);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
}

/** @param {number | null | undefined} a @param {number | null | undefined} b */
const ratio = (a, b) => (isNum(a) && isNum(b) && b !== 0 ? Number((a / b).toFixed(3)) : null);

/**
 * @param {Run[]} runs @param {string[]} scenarioNames @param {string[]} brokers
 * @param {Record<string, [string, string][]>} details
 */
export function summarize(runs, scenarioNames, brokers, details) {
  return SCENARIOS.filter((s) => scenarioNames.includes(s.scenario.name)).map(({ scenario, headline }) => {
    /** @type {Record<string, BrokerSummary>} */
    const perBroker = {};
    for (const broker of brokers) {
      const mine = runs.filter((r) => r.scenario === scenario.name && r.broker === broker);
      const ok = mine.filter((r) => r.ok);
      const lossChecked = ok.filter((r) => typeof r.metrics?.zeroLoss === 'boolean');
      perBroker[broker] = {
        reps: mine.length,
        okReps: ok.length,
        median: medianOf(ok, headline.metric),
        values: mine.map((r) => {
          const v = r.ok ? r.metrics?.[headline.metric] : null;
          return isNum(v) ? v : null;
        }),
        details: Object.fromEntries((details[scenario.name] ?? []).map(([m]) => [m, medianOf(ok, m)])),
        brokerCpuPct: medianOf(ok, 'brokerCpuPct'),
        loadgenCpuPct: medianOf(ok, 'loadgenCpuPct'),
        zeroLoss: lossChecked.length === 0 ? null : lossChecked.every((r) => r.metrics?.zeroLoss === true),
        lost: sumOf(ok, 'lost'),
        duplicates: sumOf(ok, 'duplicates'),
        errors: mine.filter((r) => !r.ok).map((r) => `rep ${r.rep}: ${r.error ?? 'failed'}`),
      };
    }
    const m = (/** @type {string} */ b) => perBroker[b]?.median;
    const ratios = {
      'fleetwatch/mosquitto': ratio(m('fleetwatch'), m('mosquitto')),
      'aedes/mosquitto': ratio(m('aedes'), m('mosquitto')),
      'fleetwatch/aedes': ratio(m('fleetwatch'), m('aedes')),
    };
    return { scenario: scenario.name, title: scenario.title, headline, perBroker, ratios, targetMet: verdict(headline, perBroker, ratios) };
  });
}

/**
 * @param {import('../scenarios/index.js').Headline} headline
 * @param {Record<string, BrokerSummary>} perBroker
 * @param {Record<string, number | null>} ratios
 * @returns {boolean | null} null when our broker (or mosquitto, for a ratio) has no figure
 */
function verdict(headline, perBroker, ratios) {
  const ours = perBroker.fleetwatch;
  if (!ours || ours.reps === 0) return null;
  if (ours.okReps < ours.reps) return false;
  if (headline.zeroLoss && ours.zeroLoss !== true) return false;
  const t = headline.target;
  if (t.kind === 'absolute') return isNum(ours.median) ? ours.median <= t.max : null;
  const r = ratios['fleetwatch/mosquitto'];
  if (!isNum(r)) return null;
  return (t.min === undefined || r >= t.min) && (t.max === undefined || r <= t.max);
}

/** @param {import('../scenarios/index.js').Headline} headline */
export function targetText(headline) {
  const t = headline.target;
  const loss = headline.zeroLoss ? ', zero loss' : '';
  if (t.kind === 'absolute') return `≤ ${t.max} ${headline.unit}${loss}`;
  if (t.min !== undefined) return `≥ ${t.min}× mosq${loss}`;
  return `≤ ${t.max}× mosq${loss}`;
}
