/** Applies one telemetry reading to a device: the table's columns, the chart series, the silence watch. */
import type { TelemetryMetric } from '../../../contract/fleet.js';
import { Series, type DeviceRecord } from '../device.js';
import type { TelemetryReading } from './types.js';

const METRICS: ReadonlySet<string> = new Set<TelemetryMetric>(['rssiDbm', 'signalPercent', 'freeHeapBytes', 'uptimeSec']);

export function applyTelemetry(d: DeviceRecord, reading: TelemetryReading, topicName: string, now: number): void {
  let changed = false;
  const telemetry = d.telemetry as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(reading.patch)) {
    if (value === undefined) continue;
    telemetry[key] = value;
    changed = true;
    if (typeof value === 'number' && METRICS.has(key)) (d.series[key as TelemetryMetric] ??= new Series()).push(now, value);
  }
  if (changed) d.telemetry.at = now;
  if (reading.periodSec !== undefined) d.silence.declaredMs = reading.periodSec * 1000;
  if (reading.periodic) d.silence.report(topicName, now);
}
