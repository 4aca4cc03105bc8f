/** Registry records → contract DTOs (what the fleet table and the device page receive). */
import type { DeviceDetailDto, DeviceSummaryDto, DeviceTopicDto, OutageDto, TelemetryMetric, TelemetrySeriesDto } from '../../contract/fleet.js';
import type { DeviceRecord } from './device.js';
import { effectiveInterval, expectedWake } from './status.js';
import { preview } from './payload.js';

export function toSummary(d: DeviceRecord): DeviceSummaryDto {
  const s = d.session ?? d.lastEnded;
  const interval = effectiveInterval(d);
  const wake = d.status.status === 'sleeping' || d.status.status === 'overdue' || d.base.status === 'sleeping' ? expectedWake(d) : null;
  return {
    id: d.id,
    clientId: d.clientId,
    name: d.name,
    convention: d.convention,
    status: d.status.status,
    reason: d.status.reason,
    detail: d.status.detail,
    statusSince: d.status.since,
    connected: d.session !== null,
    address: s?.address ?? null,
    protocol: s?.protocol ?? null,
    keepalive: s?.keepalive ?? null,
    // [MQTT-3.1.2-24] the broker notices a silent death after 1.5 × keepalive.
    detectionDelayMs: s && s.keepalive > 0 ? s.keepalive * 1500 : null,
    firstSeen: d.firstSeen,
    lastSeen: d.lastSeen,
    reconnectCount: d.reconnectCount,
    availabilityTopics: d.availabilityTopics.slice(),
    telemetry: { ...d.telemetry },
    flags: [...d.flags.values()],
    expectedIntervalMs: interval?.ms ?? null,
    intervalSource: wake?.source ?? interval?.source ?? null,
    nextWakeAt: wake?.at ?? null,
    group: d.group,
  };
}

export function toDetail(d: DeviceRecord, outages: { items: OutageDto[]; shed: number }): DeviceDetailDto {
  const topics: DeviceTopicDto[] = [...d.topics.values()].reverse().map((t) => ({ topicName: t.topicName, count: t.count, lastAt: t.lastAt, lastPayload: preview(t.head), retain: t.retain }));
  const series: TelemetrySeriesDto[] = [];
  for (const [metric, s] of Object.entries(d.series) as Array<[TelemetryMetric, NonNullable<DeviceRecord['series'][TelemetryMetric]>]>) {
    series.push({ metric, points: s.points() });
  }
  return {
    device: toSummary(d),
    sessions: d.sessions.toArray().reverse().map((s) => ({ ...s, will: s.will ? { ...s.will } : null })),
    sessionsShed: d.sessions.shed,
    outages: outages.items,
    outagesShed: outages.shed,
    topics,
    topicsShed: d.topicsShed,
    series,
  };
}
