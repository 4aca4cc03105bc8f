/**
 * ESPHome publishes only what its YAML declares, on `<prefix>/<component>/<object_id>/state`.
 * The health sensors labs usually add have well-known object ids: `wifi_signal` (dBm), `uptime`
 * (s), the `debug` component's free heap (`heap_free`/`free_heap`, bytes), the `wifi_info`
 * text sensor `ip_address`, and the `version` text sensor (`esphome_version`).
 */
import type { TelemetryParser, TelemetryPatch, TelemetryReading } from './types.js';
import { finiteNumber, ipv4, shortText } from './types.js';

function sensor(objectId: string, value: string): TelemetryPatch | undefined {
  const n = finiteNumber(value);
  if (n === undefined) return undefined;
  if (objectId.includes('wifi_signal') || objectId.endsWith('rssi')) return { rssiDbm: n };
  if (objectId.includes('uptime')) return { uptimeSec: Math.round(n) };
  if (objectId.includes('heap')) return { freeHeapBytes: Math.round(n) };
  return {};
}

function textSensor(objectId: string, value: string): TelemetryPatch {
  if (objectId.includes('ip_address') || objectId.endsWith('_ip')) {
    const ip = ipv4(value);
    return ip ? { ip } : {};
  }
  if (objectId.includes('version')) {
    const fw = shortText(value);
    return fw ? { firmware: fw.startsWith('ESPHome') ? fw : `ESPHome ${fw}` } : {};
  }
  return {};
}

export const esphomeTelemetry: TelemetryParser = {
  parse(topicName, payload): TelemetryReading | undefined {
    const levels = topicName.split('/');
    if (levels.length < 4 || levels[levels.length - 1] !== 'state') return undefined;
    const component = levels[levels.length - 3];
    const objectId = levels[levels.length - 2] ?? '';
    const name = levels.slice(0, -3).join('/');
    if (name === '') return undefined;
    if (component === 'sensor') {
      const patch = sensor(objectId, payload);
      if (!patch) return undefined;
      return { convention: 'esphome', name, patch, periodic: true };
    }
    if (component === 'text_sensor') return { convention: 'esphome', name, patch: textSensor(objectId, payload), periodic: false };
    if (component === 'binary_sensor' || component === 'switch') return { convention: 'esphome', name, patch: {}, periodic: true };
    return undefined;
  },
};
