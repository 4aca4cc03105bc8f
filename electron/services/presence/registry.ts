/**
 * The device registry: records keyed by DeviceId plus two indexes — availability topic → device,
 * and `<convention family>:<name>` → device (to attach telemetry and retained messages to the
 * device a firmware name belongs to). Bounded: beyond `maxDevices` the oldest never-seen device,
 * else the longest-disconnected one, is shed and counted. Connected devices are never shed.
 */
import type { ConventionId } from '../../contract/fleet.js';
import type { DeviceId, DeviceRecord } from './device.js';
import { linkTopic, newDevice } from './device.js';
import type { FlapSettings } from './flapping.js';

export const DEFAULT_MAX_DEVICES = 10_000;

/** Homie 3 and 4 share topic shapes; a device's version is only learned later. */
export function nameKey(convention: ConventionId, name: string): string {
  const family = convention === 'homie3' || convention === 'homie4' ? 'homie' : convention;
  return `${family}:${name}`;
}

export class Registry {
  readonly devices = new Map<DeviceId, DeviceRecord>();
  private readonly byTopic = new Map<string, DeviceId>();
  private readonly byName = new Map<string, DeviceId>();
  /** devices pushed out by the bound since start */
  shed = 0;

  constructor(
    readonly maxDevices: number = DEFAULT_MAX_DEVICES,
    private flap: () => FlapSettings,
    private readonly onShed: (device: DeviceRecord) => void,
  ) {}

  get(id: string): DeviceRecord | undefined {
    return this.devices.get(id as DeviceId);
  }

  byAvailabilityTopic(topicName: string): DeviceRecord | undefined {
    const id = this.byTopic.get(topicName);
    return id === undefined ? undefined : this.devices.get(id);
  }

  byConventionName(convention: ConventionId, name: string): DeviceRecord | undefined {
    const id = this.byName.get(nameKey(convention, name));
    return id === undefined ? undefined : this.devices.get(id);
  }

  create(id: string, name: string, now: number): DeviceRecord {
    const existing = this.get(id);
    if (existing) return existing;
    if (this.devices.size >= this.maxDevices) this.evictOne();
    const device = newDevice(id as DeviceId, name, now, this.flap());
    this.devices.set(device.id, device);
    return device;
  }

  /** Point a topic at a device (the newest claim wins; the previous owner loses the link). */
  link(device: DeviceRecord, topicName: string): void {
    const previous = this.byAvailabilityTopic(topicName);
    if (previous === device) return;
    if (previous) previous.availabilityTopics = previous.availabilityTopics.filter((t) => t !== topicName);
    this.byTopic.set(topicName, device.id);
    const dropped = linkTopic(device, topicName);
    if (dropped !== undefined && this.byTopic.get(dropped) === device.id) this.byTopic.delete(dropped);
  }

  name(device: DeviceRecord, convention: ConventionId, name: string): void {
    this.byName.set(nameKey(convention, name), device.id);
  }

  remove(device: DeviceRecord): void {
    this.devices.delete(device.id);
    for (const topic of device.availabilityTopics) {
      if (this.byTopic.get(topic) === device.id) this.byTopic.delete(topic);
    }
    for (const [key, id] of this.byName) if (id === device.id) this.byName.delete(key);
  }

  private evictOne(): void {
    let victim: DeviceRecord | undefined;
    let victimNever = false;
    let victimAge = Infinity;
    for (const d of this.devices.values()) {
      if (d.session) continue;
      const never = d.status.status === 'never-seen';
      const age = d.lastSeen ?? d.firstSeen ?? d.status.since;
      if (!victim || (never && !victimNever) || (never === victimNever && age < victimAge)) {
        victim = d;
        victimNever = never;
        victimAge = age;
      }
    }
    // All devices connected: the broker's connection limit bounds us instead.
    if (!victim) return;
    this.remove(victim);
    this.shed += 1;
    this.onShed(victim);
  }
}
