// @ts-check
/**
 * The scenarios in run order, each with its headline metric and the target our broker must
 * meet (issue 9). A target is a ratio to mosquitto measured in the same run, or an absolute bound.
 */
import fanin from './fanin.js';
import fanout from './fanout.js';
import { qos1, qos2 } from './qos-e2e.js';
import latency from './latency.js';
import connections from './connections.js';
import retained from './retained.js';
import drain from './drain.js';

/**
 * @typedef {object} Headline
 * @property {string} metric key in the run's metrics
 * @property {string} label
 * @property {string} unit
 * @property {'higher' | 'lower'} better
 * @property {{ kind: 'ratio', min?: number, max?: number } | { kind: 'absolute', max: number }} target
 *   ratio = ours ÷ mosquitto on this metric
 * @property {boolean} [zeroLoss] every rep must also report zeroLoss: true
 */

/** @type {{ scenario: import('./context.js').Scenario, headline: Headline }[]} */
export const SCENARIOS = [
  { scenario: fanin, headline: { metric: 'deliveriesPerSec', label: 'deliveries/s', unit: 'msg/s', better: 'higher', target: { kind: 'ratio', min: 1.0 } } },
  { scenario: fanout, headline: { metric: 'deliveriesPerSec', label: 'deliveries/s', unit: 'msg/s', better: 'higher', target: { kind: 'ratio', min: 0.8 } } },
  { scenario: qos1, headline: { metric: 'deliveredPerSec', label: 'delivered/s', unit: 'msg/s', better: 'higher', target: { kind: 'ratio', min: 1.0 }, zeroLoss: true } },
  { scenario: qos2, headline: { metric: 'deliveredPerSec', label: 'delivered/s', unit: 'msg/s', better: 'higher', target: { kind: 'ratio', min: 1.0 }, zeroLoss: true } },
  { scenario: latency, headline: { metric: 'p99Ms', label: 'p99 latency', unit: 'ms', better: 'lower', target: { kind: 'ratio', max: 2.0 } } },
  { scenario: connections, headline: { metric: 'kibPerConnection', label: 'RSS per connection', unit: 'KiB', better: 'lower', target: { kind: 'absolute', max: 8 } } },
  { scenario: retained, headline: { metric: 'msgPerSec', label: 'retained msg/s', unit: 'msg/s', better: 'higher', target: { kind: 'ratio', min: 1.0 } } },
  { scenario: drain, headline: { metric: 'drainSec', label: 'drain time', unit: 's', better: 'lower', target: { kind: 'ratio', max: 3.0 }, zeroLoss: true } },
];

/** Secondary figures shown in the detail table: [metric, label]. @type {Record<string, [string, string][]>} */
export const DETAILS = {
  latency: [['p50Ms', 'p50 ms'], ['p90Ms', 'p90 ms'], ['p999Ms', 'p99.9 ms'], ['maxMs', 'max ms']],
  connections: [['connectSubscribeSec', 'connect+subscribe s'], ['rssAfterMiB', 'RSS after MiB']],
  retained: [['storeMsgPerSec', 'store msg/s']],
  drain: [['msgPerSec', 'drain msg/s']],
  qos1: [['ackedPerSec', 'acked/s']],
  qos2: [['ackedPerSec', 'acked/s']],
};

export const SCENARIO_NAMES = SCENARIOS.map((s) => s.scenario.name);
