/**
 * ESPHome (MQTT component): birth `online` and will `offline` on `<topic_prefix>/status`, retained,
 * QoS 0; the prefix defaults to the node name (components/mqtt/__init__.py). On shutdown (OTA,
 * deep sleep without `will_message: null`) it publishes `offline` itself.
 */
import type { Convention } from './types.js';

export const esphome: Convention = {
  id: 'esphome',
  label: 'ESPHome',
  match({ topicName, payload }) {
    if (!topicName.endsWith('/status')) return undefined;
    const prefix = topicName.slice(0, -'/status'.length);
    if (prefix === '' || prefix.startsWith('$')) return undefined;
    // ESPHome's payloads are exactly these lowercase words; anything else is someone else's status topic.
    if (payload !== 'online' && payload !== 'offline') return undefined;
    return { convention: 'esphome', name: prefix, availability: payload, availabilityTopic: topicName, selfReported: true };
  },
};
