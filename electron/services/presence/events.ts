import type { DeviceFlagDto } from '../../contract/fleet.js';
import type { StatusRecord } from './device.js';

/** What the presence engine tells its listeners (the alert engine, the UI batcher). */
export type PresenceEvent =
  /**
   * The status or its reason changed, or the underlying status under a `flapping` overlay did
   * (`base`; the outage log follows it). Detail-only changes are not events.
   */
  | { type: 'status'; deviceId: string; name: string; previous: StatusRecord; current: StatusRecord; previousBase: StatusRecord; base: StatusRecord; at: number }
  | { type: 'flag'; deviceId: string; name: string; flag: DeviceFlagDto; raised: boolean; at: number }
  /** a device known only by its topics turned out to be this client: `from` is gone */
  | { type: 'merged'; from: string; into: string; at: number }
  /** removed from the registry; `shed` when the registry bound pushed it out */
  | { type: 'removed'; deviceId: string; shed: boolean; at: number };

export type PresenceListener = (event: PresenceEvent) => void;
