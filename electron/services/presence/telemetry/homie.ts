/**
 * Homie 3 device attributes (v3.0.1 README, "Device attributes"): `$localip`, `$fw/version`,
 * `$stats/uptime` (s), `$stats/signal` (%), `$stats/interval` (s, the stats period), and
 * homie-esp8266's `$stats/freeheap` (bytes). Homie 4 moved stats out of the core ("legacy
 * extensions") but firmwares still send them; Homie 5 has none.
 */
import type { TelemetryParser, TelemetryReading } from './types.js';
import { finiteNumber, ipv4, shortText } from './types.js';

export const homieTelemetry: TelemetryParser = {
  parse(topicName, payload): TelemetryReading | undefined {
    const levels = topicName.split('/');
    const attr = levels.findIndex((l) => l.startsWith('$'));
    if (attr !== 2) return undefined;
    const name = levels[1];
    if (!name || levels[0] === '') return undefined;
    const path = levels.slice(2).join('/');
    const base = { convention: 'homie4' as const, name };
    const n = finiteNumber(payload);
    switch (path) {
      case '$localip': {
        const ip = ipv4(payload);
        return ip ? { ...base, patch: { ip }, periodic: false } : undefined;
      }
      case '$fw/version': {
        const fw = shortText(payload);
        return fw ? { ...base, patch: { firmware: fw }, periodic: false } : undefined;
      }
      case '$stats/uptime':
        return n === undefined ? undefined : { ...base, patch: { uptimeSec: Math.round(n) }, periodic: true };
      case '$stats/signal':
        return n === undefined ? undefined : { ...base, patch: { signalPercent: n }, periodic: true };
      case '$stats/freeheap':
        return n === undefined ? undefined : { ...base, patch: { freeHeapBytes: Math.round(n) }, periodic: true };
      case '$stats/interval':
        return n === undefined || n <= 0 ? undefined : { ...base, patch: {}, periodic: false, periodSec: n };
      default:
        return undefined;
    }
  },
};
