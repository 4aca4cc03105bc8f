/**
 * SUBSCRIBE [MQTT-3.8]: add or replace each subscription, answer SUBACK with one return code per
 * filter in order [MQTT-3.8.4-4]; a filter we refuse gets 0x80 [MQTT-3.9.3]. Retained messages
 * for the new subscriptions follow the SUBACK.
 */

import type { SubackReturnCode, SubscribePacket } from '../../codec/packets.js';
import { encodePacket } from '../../codec/encoder.js';
import { validateTopicFilter } from '../../topics/validate.js';
import type { Session } from '../../session/session.js';
import type { Connection, Violation } from '../connection.js';
import { deliverRetained, type GrantedFilter } from '../retained-delivery.js';

export function handleSubscribe(conn: Connection, p: SubscribePacket): Violation | undefined {
  const core = conn.core;
  const session = conn.session as Session;
  const returnCodes: SubackReturnCode[] = [];
  const granted: GrantedFilter[] = [];
  for (const { topicFilter, qos } of p.subscriptions) {
    if (validateTopicFilter(topicFilter) !== undefined) {
      returnCodes.push(0x80);
      continue;
    }
    // [MQTT-3.8.4-3] an identical filter replaces the existing subscription (new QoS; retained re-sent).
    core.addSubscription(session, topicFilter, qos);
    // [MQTT-3.8.4-5] every QoS is supported, so the granted QoS is the requested one.
    returnCodes.push(qos);
    granted.push({ topicFilter, qos });
    if (core.events.has('subscription.added')) core.emit('subscription.added', { clientId: session.clientId, topicFilter, qos });
  }
  const durable = granted.length > 0 ? core.sync.saveSession(session) : undefined;
  // [MQTT-3.8.4-1] SUBACK with [MQTT-3.8.4-2] the same packet id.
  conn.ack(encodePacket({ type: 'suback', packetId: p.packetId, returnCodes }), durable);
  if (granted.length > 0 && core.retained.size > 0) conn.afterAcks(() => deliverRetained(core, conn, session, granted));
  return undefined;
}
