/**
 * Who a device is: its firmware convention and name, and merging a topic-only record into the
 * client it turns out to belong to. Pure record surgery; the engine emits the events.
 */
import type { ConventionId } from '../../contract/fleet.js';
import type { DeviceRecord } from './device.js';
import type { Registry } from './registry.js';

/** Learn a device's firmware and name; a firmware convention outranks a bare will. */
export function adoptIdentity(registry: Registry, d: DeviceRecord, convention: ConventionId, name: string): void {
  const firmware = convention !== 'will';
  const homieRefinement = d.convention?.startsWith('homie') && convention.startsWith('homie');
  if (d.convention === null || (d.convention === 'will' && firmware)) {
    d.convention = convention;
    if (firmware) d.name = name;
  } else if (!homieRefinement && d.convention !== convention) {
    return;
  }
  if (firmware) registry.name(d, convention, name);
}

/**
 * Move what a topic-only record knows into the client's record: its topic links, name and
 * convention (if the client has none), telemetry it lacks, the newer availability facts, and the
 * earlier first-seen. The caller removes `from` afterwards.
 */
export function mergeInto(registry: Registry, into: DeviceRecord, from: DeviceRecord): void {
  for (const topic of [...from.availabilityTopics]) registry.link(into, topic);
  if (into.convention === null && from.convention !== null) {
    into.convention = from.convention;
    into.name = from.name;
  }
  if (from.convention) registry.name(into, from.convention, from.name);
  const target = into.telemetry as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(from.telemetry)) if (target[key] === null && value !== null) target[key] = value;
  if (!into.availability || (from.availability && from.availability.at > into.availability.at)) into.availability = from.availability;
  for (const [topic, fact] of from.topicFacts) {
    const mine = into.topicFacts.get(topic);
    if (!mine || mine.at < fact.at) into.topicFacts.set(topic, fact);
  }
  if (from.firstSeen !== null && (into.firstSeen === null || from.firstSeen < into.firstSeen)) into.firstSeen = from.firstSeen;
}
