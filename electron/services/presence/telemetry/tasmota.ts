/**
 * Tasmota health telemetry (support_tasmota.ino `MqttShowState`, xdrv_02_9_mqtt.ino `MqttConnected`):
 * - `tele/<topic>/STATE` every TelePeriod: `UptimeSec` (or `Uptime` "1T02:03:04"), `Heap` (kB),
 *   `Wifi.RSSI` (a 0–100 quality, despite the name), `Wifi.Signal` (dBm), sometimes `IPAddress`.
 * - `tele/<topic>/SENSOR` every TelePeriod: sensor readings (periodic, no health fields).
 * - on connect: `INFO1` (Module, Version), `INFO2` (Hostname, IPAddress); newer versions wrap
 *   them as `{"Info1":{…}}`.
 */
import type { TelemetryParser, TelemetryPatch, TelemetryReading } from './types.js';
import { finiteNumber, ipv4, shortText } from './types.js';
import { parseJsonObject } from '../payload.js';
import { splitTele } from '../conventions/tasmota.js';

/** "1T02:03:04" (days T hh:mm:ss) → seconds. */
export function parseTasmotaUptime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)T(\d{1,2}):(\d{2}):(\d{2})$/.exec(v.trim());
  if (!m) return undefined;
  const [, d, h, min, s] = m;
  return Number(d) * 86400 + Number(h) * 3600 + Number(min) * 60 + Number(s);
}

function unwrap(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const inner = obj[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : obj;
}

function state(obj: Record<string, unknown>): TelemetryPatch {
  const patch: TelemetryPatch = {};
  const uptime = finiteNumber(obj['UptimeSec']) ?? parseTasmotaUptime(obj['Uptime']);
  if (uptime !== undefined) patch.uptimeSec = uptime;
  const heapKb = finiteNumber(obj['Heap']);
  if (heapKb !== undefined) patch.freeHeapBytes = Math.round(heapKb * 1024);
  const wifi = obj['Wifi'];
  if (typeof wifi === 'object' && wifi !== null) {
    const w = wifi as Record<string, unknown>;
    const quality = finiteNumber(w['RSSI']);
    if (quality !== undefined) patch.signalPercent = quality;
    const dbm = finiteNumber(w['Signal']);
    if (dbm !== undefined) patch.rssiDbm = dbm;
  }
  const ip = ipv4(obj['IPAddress']);
  if (ip) patch.ip = ip;
  return patch;
}

export const tasmotaTelemetry: TelemetryParser = {
  parse(topicName, payload): TelemetryReading | undefined {
    const last = topicName.slice(topicName.lastIndexOf('/') + 1);
    if (!['STATE', 'SENSOR', 'INFO1', 'INFO2'].includes(last)) return undefined;
    const where = splitTele(topicName, last);
    if (!where) return undefined;
    const obj = parseJsonObject(payload);
    if (!obj) return undefined;
    const base = { convention: 'tasmota' as const, name: where.name };
    switch (last) {
      case 'STATE':
        return { ...base, patch: state(obj), periodic: true };
      case 'SENSOR':
        return { ...base, patch: {}, periodic: true };
      case 'INFO1': {
        const version = shortText(unwrap(obj, 'Info1')['Version']);
        return { ...base, patch: version ? { firmware: `Tasmota ${version}` } : {}, periodic: false };
      }
      default: {
        const ip = ipv4(unwrap(obj, 'Info2')['IPAddress']);
        return { ...base, patch: ip ? { ip } : {}, periodic: false };
      }
    }
  },
};
