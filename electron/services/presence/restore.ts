/** Puts a device saved by an earlier run back into the registry (see registry-store.ts). */
import type { Conventions } from './conventions/index.js';
import type { DeviceRecord } from './device.js';
import type { Registry } from './registry.js';
import type { PersistedDevice } from './registry-store.js';

export function restoreDevice(registry: Registry, conventions: Conventions, p: PersistedDevice): DeviceRecord | undefined {
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
  return d;
}
