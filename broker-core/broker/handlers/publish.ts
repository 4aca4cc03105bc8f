/**
 * PUBLISH from a client [MQTT-3.3], [MQTT-4.3]. The acknowledgement (PUBACK / PUBREC) is sent
 * only after what it acknowledges is durable: the retained record, the outbound records queued
 * for persistent sessions and, for QoS 2, the stored packet id. QoS 0 never waits.
 */

import type { PublishPacket } from '../../codec/packets.js';
import type { Session } from '../../session/session.js';
import type { Connection, Violation } from '../connection.js';
import { idPacket } from '../delivery.js';
import { route } from '../router.js';

export function handlePublish(conn: Connection, p: PublishPacket): Violation | undefined {
  const core = conn.core;
  core.counters.publishReceived++;
  // Topic name validity (UTF-8, no wildcards [MQTT-3.3.2-2], not empty) is enforced by the decoder.
  if (isBrokerTopic(p.topicName)) return deny(conn, p);
  if (p.qos === 0) {
    route(core, p.topicName, p.payload, 0, p.retain, conn.routeSource);
    return undefined;
  }
  const packetId = p.packetId as number;
  if (p.qos === 1) {
    // [MQTT-4.3.2-2] QoS 1: deliver, then PUBACK with the same packet id.
    const durable = route(core, p.topicName, p.payload, 1, p.retain, conn.routeSource);
    conn.ack(idPacket(0x40, packetId), durable);
    return undefined;
  }
  // [MQTT-4.3.3-2] QoS 2, "method A": store the packet id, deliver once, answer PUBREC. Until
  // PUBREL arrives, a PUBLISH re-sent with the same id is acknowledged but not delivered again.
  const session = conn.session as Session;
  const received = (session.incomingQos2 ??= new Set());
  if (received.has(packetId)) {
    conn.ack(idPacket(0x50, packetId), undefined);
    return undefined;
  }
  received.add(packetId);
  const stored = core.sync.putIncomingQos2(session, packetId);
  const durable = route(core, p.topicName, p.payload, 2, p.retain, conn.routeSource) ?? stored;
  conn.ack(idPacket(0x50, packetId), durable);
  return undefined;
}

/** `$SYS` belongs to the broker: a client must not spoof its statistics (mosquitto denies it too). */
function isBrokerTopic(topicName: string): boolean {
  return topicName.startsWith('$SYS') && (topicName.length === 4 || topicName.charCodeAt(4) === 0x2f);
}

/**
 * A denied PUBLISH completes its QoS flow as usual — MQTT 3.1.1 has no way to refuse one — but
 * is neither routed nor stored; it is counted and reported, never silent.
 */
function deny(conn: Connection, p: PublishPacket): undefined {
  const core = conn.core;
  core.counters.publishDropped++;
  if (core.events.has('message.dropped')) {
    core.emit('message.dropped', { clientId: (conn.session as Session).clientId, topicName: p.topicName, reason: 'denied', count: 1 });
  }
  if (p.qos === 1) conn.ack(idPacket(0x40, p.packetId as number), undefined);
  // PUBREL for an id the broker does not hold is still answered with PUBCOMP (pubrel.ts).
  else if (p.qos === 2) conn.ack(idPacket(0x50, p.packetId as number), undefined);
  return undefined;
}
