/**
 * Optional refinement of offline periods by the presence service (issue 6, read only here):
 * it knows when a device sleeps (Tasmota DEEPSLEEP, Homie `$state = sleeping`, an expected
 * wake interval) rather than failed. Without it, periods come from broker sessions alone.
 */

import type { DeviceStatus } from '../../contract/fleet.js';

/** The fields of a presence event this reads (presence/events.ts `PresenceEvent` has them). */
export interface PresenceEventLike {
  type: string;
  deviceId?: string;
  current?: { status: DeviceStatus; reason: string };
  at?: number;
}

/** The part of the presence service this needs. */
export interface PresenceSource {
  on(listener: (event: PresenceEventLike) => void): () => void;
  clientIdOf(deviceId: string): string | null;
}

export interface PresenceSink {
  presence(clientId: string, status: 'offline' | 'sleeping' | 'online', at: number, reason: string | null): void;
}

/** What a presence status means for the chart's shading; null = no change. */
export function shadingOf(status: DeviceStatus): 'offline' | 'sleeping' | 'online' | null {
  switch (status) {
    case 'online':
      return 'online';
    case 'sleeping':
      return 'sleeping';
    // overdue: asleep past its expected wake — most likely not coming back on its own
    case 'offline':
    case 'overdue':
      return 'offline';
    default:
      // flapping and never-seen say nothing about this moment
      return null;
  }
}

export function followPresence(source: PresenceSource, sink: PresenceSink): () => void {
  return source.on((event) => {
    if (event.type !== 'status' || event.deviceId === undefined || !event.current || event.at === undefined) return;
    const shade = shadingOf(event.current.status);
    const clientId = source.clientIdOf(event.deviceId);
    if (shade === null || clientId === null) return;
    sink.presence(clientId, shade, event.at, shade === 'online' ? null : event.current.reason);
  });
}

/** The presence service as a PresenceSource (its registry knows each device's client id). */
export function presenceSourceOf(presence: {
  on(listener: (event: PresenceEventLike) => void): () => void;
  engine: { registry: { get(id: string): { clientId: string | null } | undefined } };
}): PresenceSource {
  return {
    on: (listener) => presence.on(listener),
    clientIdOf: (deviceId) => presence.engine.registry.get(deviceId)?.clientId ?? null,
  };
}
