/** Puts a device saved by an earlier run back into the registry (see registry-store.ts). */
import type { Conventions } from './conventions/index.js';
import type { DeviceRecord } from './device.js';
import type { Registry } from './registry.js';
import type { PersistedDevice } from './registry-store.js';
import { applyTrackers, parseTrackers } from './trackers.js';

export interface Restored {
  device: DeviceRecord;
  /** the record had a trackers field that could not be used (the device came back without it) */
  trackersDamaged: boolean;
}

export function restoreDevice(registry: Registry, conventions: Conventions, p: PersistedDevice, now: number): Restored | undefined {
  if (registry.get(p._id)) return undefined;
  const d = registry.create(p._id, p.name, p.savedAt);
  d.clientId = p.clientId;
  d.name = p.name;
  d.convention = p.convention;
  d.firstSeen = p.firstSeen;
  d.lastSeen = p.lastSeen;
  d.reconnectCount = p.reconnectCount;
  d.telemetry = { ...d.telemetry, ...p.telemetry };
  for (const topic of p.availabilityTopics.slice(0, 8)) registry.link(d, topic);
  if (p.convention !== null && p.convention !== 'will') registry.name(d, p.convention, p.name);
  if (p.session) {
    // A session live at the last save ended with the restart, as far as anyone can tell.
    const s = p.session.endedAt === null ? { ...p.session, endedAt: p.savedAt, endReason: 'broker-restarted' as const, endDetail: null } : { ...p.session };
    d.lastEnded = s;
    d.sessions.push(s);
    if (s.will && d.clientId !== null) conventions.wills.register(s.will.topicName, d.clientId, s.will.payload);
  } else {
    d.restarted = true;
  }
  const raw: unknown = p.trackers;
  const trackers = parseTrackers(raw);
  if (trackers) {
    applyTrackers(d, trackers, now);
    // A fight that was on at the restart stays on (its alert was raised then, not again now).
    const since = d.takeovers.fightingSince;
    if (since !== null) d.flags.set('duplicate-client-id', { kind: 'duplicate-client-id', addresses: d.takeovers.culprits(), takeovers: d.takeovers.count(), since });
  }
  return { device: d, trackersDamaged: raw !== undefined && trackers === undefined };
}
