/**
 * Outbound QoS 1/2 flow towards one session's client [MQTT-4.3.2], [MQTT-4.3.3]: sending from the
 * inflight window, feeding the window from the queue, and re-sending after a reconnect.
 */

import { encodePublish, withPacketId, writeWithPacketId } from '../codec/encoder.js';
import type { OutboundMessage, Session } from '../session/session.js';
import type { BrokerCore } from './core.js';
import type { Connection } from './connection.js';

/** PUBREL for `packetId`: [MQTT-3.6.1-1] fixed-header flags 0b0010. */
export function pubrelBytes(packetId: number): Buffer {
  return idPacket(0x62, packetId);
}

/** A 4-byte packet carrying only a packet id (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK). */
export function idPacket(firstByte: number, packetId: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf[0] = firstByte;
  buf[1] = 2;
  buf[2] = packetId >> 8;
  buf[3] = packetId & 0xff;
  return buf;
}

/**
 * Writes the PUBLISH of an inflight message (DUP=1 when it is a re-delivery [MQTT-3.3.1-1]).
 * With `durable`, the PUBLISH waits (in acknowledgement order) until its record is written:
 * a QoS 2 PUBLISH must never leave before its packet id is on disk, or a crash would make the
 * broker re-send it under another id and the receiver deliver it twice [MQTT-4.3.3-2].
 */
export function sendPublish(core: BrokerCore, conn: Connection, msg: OutboundMessage, dup: boolean, durable?: Promise<void>): void {
  const template = (msg.template ??= encodePublish(msg.topicName, msg.payload, msg.qos, msg.retain, false));
  const bytes = withPacketId(template, msg.packetId, dup ? true : undefined);
  if (durable === undefined) conn.send(bytes);
  else conn.ack(bytes, durable);
  core.counters.publishSent++;
}

/** The connection attached to a session, if it is online and past CONNECT. */
export function onlineConnection(session: Session): Connection | undefined {
  const owner = session.owner as Connection | undefined;
  return owner !== undefined && owner.isConnected ? owner : undefined;
}

/**
 * Moves queued messages into the inflight window while it has room, sending each. Those that
 * need no write first (QoS 1) go out as one buffer: one allocation and one copy for a whole
 * refill instead of a buffer per message and a concatenation at the flush.
 */
export function pumpQueue(core: BrokerCore, session: Session): void {
  const conn = onlineConnection(session);
  if (conn === undefined) return;
  const maxInflight = core.limits.maxInflight;
  let ready: OutboundMessage[] | undefined;
  let bytes = 0;
  for (;;) {
    const msg = session.dequeueForSend(maxInflight);
    if (msg === undefined) break;
    const durable = core.sync.markInflight(session, msg);
    if (durable !== undefined) {
      sendPublish(core, conn, msg, false, durable);
      continue;
    }
    const template = (msg.template ??= encodePublish(msg.topicName, msg.payload, msg.qos, msg.retain, false));
    bytes += template.length;
    (ready ??= []).push(msg);
  }
  if (ready !== undefined) sendPublishes(core, conn, ready, bytes);
  conn.updateCongestion();
}

/** Sends inflight messages (first delivery, templates encoded) as one buffer of `bytes` bytes. */
function sendPublishes(core: BrokerCore, conn: Connection, messages: readonly OutboundMessage[], bytes: number): void {
  if (messages.length === 1) {
    sendPublish(core, conn, messages[0] as OutboundMessage, false);
    return;
  }
  const out = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const msg of messages) offset = writeWithPacketId(msg.template as Buffer, msg.packetId, out, offset);
  conn.send(out, messages.length);
  core.counters.publishSent += messages.length;
}

/**
 * [MQTT-4.4.0-1] after a clean-session-0 reconnect: re-send unacknowledged PUBLISHes (DUP=1) and
 * PUBRELs with their original packet ids, in the order first sent [MQTT-4.6.0-1], then the queue.
 */
export function resumeDelivery(core: BrokerCore, conn: Connection, session: Session): void {
  for (const msg of session.inflight()) {
    if (msg.state === 'released') conn.send(pubrelBytes(msg.packetId));
    else sendPublish(core, conn, msg, true);
  }
  pumpQueue(core, session);
}

/**
 * Refills the session's inflight window once at the end of this task (a microtask), however many
 * acknowledgements this socket read held: one pass over the queue and one congestion check per
 * read instead of per PUBACK. The refill still goes out in this turn's write batch.
 */
export function refillLater(core: BrokerCore, session: Session): void {
  if (session.refillPending) return;
  session.refillPending = true;
  if (core.refills.push(session) === 1) queueMicrotask(() => runRefills(core));
}

function runRefills(core: BrokerCore): void {
  const sessions = core.refills.splice(0);
  for (const session of sessions) {
    session.refillPending = false;
    pumpQueue(core, session);
  }
}

/** PUBACK [MQTT-4.3.2]: the QoS 1 message is delivered; its packet id is free again. */
export function completeQos1(core: BrokerCore, session: Session, packetId: number): void {
  const msg = session.getInflight(packetId);
  if (msg === undefined || msg.qos !== 1) return; // unknown or not a QoS 1 id: nothing to complete
  session.complete(packetId);
  core.sync.ackOutbound(session, msg);
  refillLater(core, session);
}

/**
 * PUBREC [MQTT-4.3.3]: the receiver has the QoS 2 message. From now on only the packet id
 * matters (the PUBLISH is never re-sent [MQTT-4.3.3-1]): mark it released. The caller answers
 * PUBREL (also for an unknown id, so a client that lost track can finish its exchange).
 */
export function releaseQos2(core: BrokerCore, session: Session, packetId: number): Promise<void> | undefined {
  const msg = session.getInflight(packetId);
  if (msg === undefined || msg.qos !== 2 || msg.state !== 'inflight') return undefined;
  session.release(msg);
  msg.payload = EMPTY;
  msg.template = undefined;
  // The caller sends PUBREL only once this is written: were the broker to die before, it would
  // re-send the PUBLISH, which the receiver (having released the id) would deliver again.
  return core.sync.putOutbound(session, msg);
}

/** PUBCOMP [MQTT-4.3.3]: the QoS 2 exchange is over; the packet id is free again. */
export function completeQos2(core: BrokerCore, session: Session, packetId: number): void {
  const msg = session.getInflight(packetId);
  if (msg === undefined || msg.state !== 'released') return;
  session.complete(packetId);
  core.sync.ackOutbound(session, msg);
  refillLater(core, session);
}

const EMPTY = new Uint8Array(0);
