/**
 * Homie: the device state lives in `$state` and is always retained.
 * - 3.x / 4.x: `<base>/<device>/$state` ∈ init | ready | disconnected | sleeping | lost | alert
 *   (v3.0.1 README "Device lifecycle"; v4.0.0 convention.md) — `lost` is the will.
 * - 5: `<base>/5/<device>/$state` ∈ init | ready | disconnected | sleeping | lost (no `alert`;
 *   convention.md "Device lifecycle").
 * 3 and 4 share the topic shape; the retained `$homie` attribute ("3.0.1", "4.0.0") tells them
 * apart, see `homieVersion`.
 */
import type { Availability, ConventionId } from '../../../contract/fleet.js';
import type { AvailabilitySignal, Convention } from './types.js';

const v4Words: Record<string, Availability> = {
  init: 'online',
  ready: 'online',
  alert: 'online',
  disconnected: 'offline',
  lost: 'offline',
  sleeping: 'sleeping',
};
const v5Words: Record<string, Availability> = {
  init: 'online',
  ready: 'online',
  disconnected: 'offline',
  lost: 'offline',
  sleeping: 'sleeping',
};

function validId(id: string | undefined): id is string {
  return id !== undefined && id !== '' && !id.startsWith('$');
}

export const homie: Convention = {
  id: 'homie',
  label: 'Homie',
  match({ topicName, payload }) {
    const levels = topicName.split('/');
    if (levels[levels.length - 1] !== '$state') return undefined;
    const word = payload.trim();
    if (levels.length === 4 && levels[1] === '5' && validId(levels[2])) {
      const availability = v5Words[word];
      if (!availability) return undefined;
      return signal('homie5', levels[2], availability, topicName, word);
    }
    if (levels.length === 3 && validId(levels[1]) && levels[0] !== '') {
      const availability = v4Words[word];
      if (!availability) return undefined;
      // 4 until the device's `$homie` says 3 (the shapes are identical).
      return signal('homie4', levels[1], availability, topicName, word);
    }
    return undefined;
  },
};

function signal(convention: ConventionId, name: string, availability: Availability, topicName: string, word: string): AvailabilitySignal {
  return { convention, name, availability, availabilityTopic: topicName, selfReported: true, word };
}

/** `<base>/<device>/$homie` = "3.0.1" → the device's `$state` topic and its major version. */
export function homieVersion(topicName: string, payload: string): { stateTopic: string; convention: ConventionId } | undefined {
  const levels = topicName.split('/');
  if (levels[levels.length - 1] !== '$homie') return undefined;
  const major = payload.trim().split('.')[0];
  const convention: ConventionId | undefined = major === '3' ? 'homie3' : major === '4' ? 'homie4' : major === '5' ? 'homie5' : undefined;
  if (!convention) return undefined;
  return { stateTopic: [...levels.slice(0, -1), '$state'].join('/'), convention };
}
