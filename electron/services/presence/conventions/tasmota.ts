/**
 * Tasmota: will and birth on `tele/<topic>/LWT` (FullTopic `%prefix%/%topic%/`, the default) with
 * `Online` / `Offline` (`MQTT_LWT_ONLINE/OFFLINE`, tasmota_globals.h; QoS 1, retained).
 * Deep sleep (xdrv_29_deepsleep.ino): before sleeping the device publishes retained
 * `tele/<topic>/DEEPSLEEP` = `{"DeepSleep":{"Time":…,"DeepSleep":<now>,"Wakeup":<epoch>}}`, and
 * since Tasmota 13 (PR #19134) its LWT says `DeepSleep` while it sleeps.
 */
import type { AvailabilitySignal, Convention } from './types.js';
import { parseJsonObject } from '../payload.js';

const words: Record<string, AvailabilitySignal['availability']> = {
  online: 'online',
  offline: 'offline',
  deepsleep: 'sleeping',
};

/**
 * Where the device's name sits depends on FullTopic: `tele/<topic>/LWT`, `<topic>/tele/LWT`,
 * or a custom prefix (`hm/tele/<topic>/LWT`). The name is what follows `tele`, else what precedes it.
 */
export function splitTele(topicName: string, last: string): { name: string; base: string[] } | undefined {
  const levels = topicName.split('/');
  if (levels.length < 3 || levels[levels.length - 1] !== last) return undefined;
  const tele = levels.lastIndexOf('tele', levels.length - 2);
  if (tele < 0) return undefined;
  const after = levels.slice(tele + 1, -1);
  const name = after.length > 0 ? after.join('/') : levels.slice(0, tele).join('/');
  if (name === '') return undefined;
  return { name, base: levels.slice(0, -1) };
}

export const tasmota: Convention = {
  id: 'tasmota',
  label: 'Tasmota',
  match({ topicName, payload }) {
    const lwt = splitTele(topicName, 'LWT');
    if (lwt) {
      const availability = words[payload.trim().toLowerCase()];
      if (!availability) return undefined;
      return { convention: 'tasmota', name: lwt.name, availability, availabilityTopic: topicName, selfReported: true, word: payload.trim() };
    }
    const sleep = splitTele(topicName, 'DEEPSLEEP');
    if (sleep) {
      const body = parseJsonObject(payload)?.['DeepSleep'];
      if (typeof body !== 'object' || body === null) return undefined;
      const { DeepSleep: at, Wakeup: wakeup } = body as Record<string, unknown>;
      const signal: AvailabilitySignal = {
        convention: 'tasmota',
        name: sleep.name,
        availability: 'sleeping',
        availabilityTopic: [...sleep.base, 'LWT'].join('/'),
        selfReported: true,
        word: 'DeepSleep',
      };
      // Both stamps come from the device's clock, so only their difference is trusted.
      if (typeof at === 'number' && typeof wakeup === 'number' && wakeup > at) signal.wakeInMs = (wakeup - at) * 1000;
      return signal;
    }
    return undefined;
  },
};
