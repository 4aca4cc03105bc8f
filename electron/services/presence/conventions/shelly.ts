/**
 * Shelly Gen1: `shellies/<model>-<id>/online` = `true` / `false`; `false` is the will. Home
 * Assistant configurations use these exact payloads (`payload_available: 'true'`).
 */
import type { Convention } from './types.js';

export const shellyGen1: Convention = {
  id: 'shelly-gen1',
  label: 'Shelly Gen1',
  match({ topicName, payload }) {
    const levels = topicName.split('/');
    if (levels.length !== 3 || levels[0] !== 'shellies' || levels[2] !== 'online') return undefined;
    const name = levels[1];
    if (!name) return undefined;
    const word = payload.trim();
    if (word !== 'true' && word !== 'false') return undefined;
    return { convention: 'shelly-gen1', name, availability: word === 'true' ? 'online' : 'offline', availabilityTopic: topicName, selfReported: true, word };
  },
};
