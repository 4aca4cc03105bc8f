/**
 * The in-process client: the host program publishes and subscribes without a socket. Its
 * messages are routed exactly like a client's (publisher id '$inline'); its subscriptions live in
 * the same topic index and receive retained matches first, with retain=true [MQTT-3.3.1-6].
 * Payloads handed to callbacks may be views of received socket data: do not mutate them, and copy
 * one that is kept for long (it pins the chunk it came in).
 */

import type { InlineClient, InlineMessage } from '../api.js';
import type { QoS } from '../codec/packets.js';
import { validateTopicFilter, validateTopicName } from '../topics/validate.js';
import type { BrokerCore } from './core.js';
import { InlineSubscriber } from './inline-subscriber.js';
import { route, type RouteSource } from './router.js';

export const INLINE_CLIENT_ID = '$inline';

const SOURCE: RouteSource = { publisherId: INLINE_CLIENT_ID, from: undefined, isWill: false };

function isQoS(value: unknown): value is QoS {
  return value === 0 || value === 1 || value === 2;
}

export function createInlineClient(core: BrokerCore): InlineClient {
  return {
    async publish({ topicName, payload, qos = 0, retain = false }) {
      const problem = validateTopicName(topicName);
      if (problem !== undefined) throw new TypeError(`inline publish: ${problem}`);
      if (!isQoS(qos)) throw new TypeError(`inline publish: QoS must be 0, 1 or 2, got ${String(qos)}`);
      const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
      // Resolves once what the publish changed durably (retained record, persistent queues) is written.
      await route(core, topicName, bytes, qos, retain, SOURCE);
    },

    async subscribe(topicFilter: string, onMessage: (msg: InlineMessage) => void, opts?: { qos?: QoS }) {
      const problem = validateTopicFilter(topicFilter);
      if (problem !== undefined) throw new TypeError(`inline subscribe: ${problem}`);
      const qos = opts?.qos ?? 2;
      if (!isQoS(qos)) throw new TypeError(`inline subscribe: QoS must be 0, 1 or 2, got ${String(qos)}`);
      const subscriber = new InlineSubscriber(onMessage);
      for (const record of core.retained.match(topicFilter)) {
        subscriber.deliver({ topicName: record.topicName, payload: record.payload, qos: record.qos < qos ? record.qos : qos, retain: true, publisherId: record.publisherId });
      }
      core.index.add(topicFilter, subscriber, qos);
      if (core.events.has('subscription.added')) core.emit('subscription.added', { clientId: INLINE_CLIENT_ID, topicFilter, qos });
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        core.index.remove(topicFilter, subscriber);
        if (core.events.has('subscription.removed')) core.emit('subscription.removed', { clientId: INLINE_CLIENT_ID, topicFilter });
      };
    },
  };
}
