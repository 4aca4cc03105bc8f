/**
 * Zigbee2MQTT (zigbee2mqtt.io "MQTT topics and messages"):
 * - the bridge itself: `<base>/bridge/state`, retained; 1.x `online`/`offline` (or JSON with
 *   `legacy_availability_payload: false`), 2.x `{"state":"online"}` / `{"state":"offline"}`.
 * - its Zigbee devices: `<base>/<friendly_name>/availability` = `{"state":"online"|"offline"}`
 *   (1.x legacy: plain words). These are published by the bridge, not by the devices: the
 *   devices have no MQTT session of their own.
 * The base topic defaults to `zigbee2mqtt`; a custom base is recognised by the bridge's shape.
 */
import type { Availability } from '../../../contract/fleet.js';
import type { Convention } from './types.js';
import { parseJsonObject } from '../payload.js';

const DEFAULT_BASE = 'zigbee2mqtt';

/** `online` / `{"state":"online"}` → 'online'; anything else → undefined. */
function readState(payload: string): { availability: Availability; json: boolean } | undefined {
  const word = payload.trim();
  if (word === 'online' || word === 'offline') return { availability: word, json: false };
  const state = parseJsonObject(word)?.['state'];
  if (state === 'online' || state === 'offline') return { availability: state, json: true };
  return undefined;
}

export const zigbee2mqttBridge: Convention = {
  id: 'zigbee2mqtt-bridge',
  label: 'Zigbee2MQTT bridge',
  match({ topicName, payload }) {
    if (!topicName.endsWith('/bridge/state')) return undefined;
    const base = topicName.slice(0, -'/bridge/state'.length);
    if (base === '') return undefined;
    const state = readState(payload);
    if (!state) return undefined;
    return { convention: 'zigbee2mqtt-bridge', name: `${base}/bridge`, availability: state.availability, availabilityTopic: topicName, selfReported: true };
  },
};

export const zigbee2mqttDevice: Convention = {
  id: 'zigbee2mqtt-device',
  label: 'Zigbee2MQTT device',
  match({ topicName, payload }) {
    if (!topicName.startsWith(`${DEFAULT_BASE}/`) || !topicName.endsWith('/availability')) return undefined;
    // Friendly names may contain slashes (`kitchen/lamp`).
    const friendly = topicName.slice(DEFAULT_BASE.length + 1, -'/availability'.length);
    if (friendly === '' || friendly === 'bridge') return undefined;
    const state = readState(payload);
    if (!state) return undefined;
    return { convention: 'zigbee2mqtt-device', name: friendly, availability: state.availability, availabilityTopic: topicName, selfReported: false };
  },
};
