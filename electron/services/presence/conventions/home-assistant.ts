/**
 * Home Assistant's availability conventions (HA MQTT integration docs):
 * - an entity's `availability_topic` / `availability: [{topic, payload_available,
 *   payload_not_available}]`, with default payloads `online` / `offline`. We learn these topics
 *   from the discovery configs published on `<prefix>/<component>/[<node_id>/]<object_id>/config`
 *   (abbreviated keys `avty_t`, `avty`, `t`, `pl_avail`, `pl_not_avail`, and `~` expansion).
 * - HA's own birth/will `homeassistant/status` = `online` / `offline`.
 * - otherwise `<name>/availability` with the default words.
 */
import type { Availability } from '../../../contract/fleet.js';
import type { AvailabilityMessage, AvailabilitySignal, Convention } from './types.js';
import { parseJsonObject } from '../payload.js';

export const HA_STATUS_TOPIC = 'homeassistant/status';
/** Learned availability topics kept at most; the oldest learned are shed (and counted) first. */
export const MAX_DISCOVERED_TOPICS = 10_000;

interface LearnedTopic {
  name: string;
  online: string;
  offline: string;
}

export const homeAssistantSelf: Convention = {
  id: 'home-assistant',
  label: 'Home Assistant',
  match({ topicName, payload }) {
    if (topicName !== HA_STATUS_TOPIC) return undefined;
    const word = payload.trim();
    if (word !== 'online' && word !== 'offline') return undefined;
    return { convention: 'home-assistant', name: 'homeassistant', availability: word, availabilityTopic: topicName, selfReported: true };
  },
};

/** `<name>/availability` with HA's default payloads. */
export const homeAssistantDefault: Convention = {
  id: 'home-assistant',
  label: 'Home Assistant default',
  match({ topicName, payload }) {
    if (!topicName.endsWith('/availability')) return undefined;
    const name = topicName.slice(0, -'/availability'.length);
    const word = payload.trim();
    if (name === '' || (word !== 'online' && word !== 'offline')) return undefined;
    return { convention: 'home-assistant', name, availability: word, availabilityTopic: topicName, selfReported: true };
  },
};

function str(obj: Record<string, unknown>, long: string, short: string): string | undefined {
  const v = obj[long] ?? obj[short];
  return typeof v === 'string' ? v : undefined;
}

/** HA's `~` abbreviation: a topic starting or ending with `~` gets the base substituted. */
function expand(topic: string, base: string | undefined): string {
  if (base === undefined) return topic;
  if (topic.startsWith('~')) return base + topic.slice(1);
  if (topic.endsWith('~')) return topic.slice(0, -1) + base;
  return topic;
}

/** Availability topics learned from discovery configs. */
export class HomeAssistantDiscovery implements Convention {
  readonly id = 'home-assistant' as const;
  readonly label = 'Home Assistant discovery';
  private readonly topics = new Map<string, LearnedTopic>();
  /** learned topics dropped because of MAX_DISCOVERED_TOPICS */
  shed = 0;

  constructor(private readonly maxTopics = MAX_DISCOVERED_TOPICS) {}

  /** Learn from a discovery config; returns the availability topics it declared. */
  learn(msg: AvailabilityMessage): string[] {
    const levels = msg.topicName.split('/');
    if (levels.length < 4 || levels.length > 5 || levels[levels.length - 1] !== 'config') return [];
    const config = parseJsonObject(msg.payload);
    if (!config) return [];
    const base = typeof config['~'] === 'string' ? config['~'] : undefined;
    const dev = config['device'] ?? config['dev'];
    const devName = typeof dev === 'object' && dev !== null ? (dev as Record<string, unknown>)['name'] : undefined;
    const name = typeof devName === 'string' && devName !== '' ? devName : (levels[2] ?? 'unknown');
    const topOnline = str(config, 'payload_available', 'pl_avail') ?? 'online';
    const topOffline = str(config, 'payload_not_available', 'pl_not_avail') ?? 'offline';
    const found: string[] = [];
    const single = str(config, 'availability_topic', 'avty_t');
    if (single) found.push(this.remember(expand(single, base), { name, online: topOnline, offline: topOffline }));
    const list = config['availability'] ?? config['avty'];
    if (Array.isArray(list)) {
      for (const entry of list.slice(0, 8)) {
        if (typeof entry !== 'object' || entry === null) continue;
        const e = entry as Record<string, unknown>;
        const topic = str(e, 'topic', 't');
        if (!topic) continue;
        const online = str(e, 'payload_available', 'pl_avail') ?? 'online';
        const offline = str(e, 'payload_not_available', 'pl_not_avail') ?? 'offline';
        found.push(this.remember(expand(topic, base), { name, online, offline }));
      }
    }
    return found;
  }

  private remember(topic: string, learned: LearnedTopic): string {
    this.topics.delete(topic);
    this.topics.set(topic, learned);
    if (this.topics.size > this.maxTopics) {
      const oldest = this.topics.keys().next().value;
      if (oldest !== undefined) this.topics.delete(oldest);
      this.shed += 1;
    }
    return topic;
  }

  has(topicName: string): boolean {
    return this.topics.has(topicName);
  }

  get size(): number {
    return this.topics.size;
  }

  match({ topicName, payload }: AvailabilityMessage): AvailabilitySignal | undefined {
    const learned = this.topics.get(topicName);
    if (!learned) return undefined;
    const word = payload.trim();
    const availability: Availability | undefined = word === learned.online ? 'online' : word === learned.offline ? 'offline' : undefined;
    if (!availability) return undefined;
    return { convention: 'home-assistant', name: learned.name, availability, availabilityTopic: topicName, selfReported: true, word };
  }
}
