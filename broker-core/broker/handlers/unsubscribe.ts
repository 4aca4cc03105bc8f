/**
 * UNSUBSCRIBE [MQTT-3.10]: filters are compared character by character [MQTT-3.10.4-1]; matching
 * subscriptions are deleted [MQTT-3.10.4-2] (messages already inflight still complete
 * [MQTT-3.10.4-3]); UNSUBACK is sent even if nothing matched [MQTT-3.10.4-5].
 */

import type { UnsubscribePacket } from '../../codec/packets.js';
import type { Session } from '../../session/session.js';
import type { Connection, Violation } from '../connection.js';
import { idPacket } from '../delivery.js';

export function handleUnsubscribe(conn: Connection, p: UnsubscribePacket): Violation | undefined {
  const core = conn.core;
  const session = conn.session as Session;
  let removed = 0;
  for (const topicFilter of p.topicFilters) {
    if (!core.removeSubscription(session, topicFilter)) continue;
    removed++;
    if (core.events.has('subscription.removed')) core.emit('subscription.removed', { clientId: session.clientId, topicFilter });
  }
  const durable = removed > 0 ? core.sync.saveSession(session) : undefined;
  // [MQTT-3.10.4-4] UNSUBACK with the same packet id.
  conn.ack(idPacket(0xb0, p.packetId), durable);
  return undefined;
}
