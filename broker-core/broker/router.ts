/**
 * Routing one application message: update the retained store, find the matching subscribers
 * once (deduplicated, highest granted QoS), and hand each its copy at min(published, granted)
 * QoS [MQTT-3.3.5-1].
 *
 * The hot path allocates no closure and no promise: each (qos) encoding of the PUBLISH is built
 * once and the same bytes go to every QoS 0 receiver; QoS 1/2 receivers get a copy with their
 * own packet id stamped in. The function returns the promise of the last durable write the
 * message caused (retained record, outbound records of persistent sessions) — or undefined —
 * so that the publisher's PUBACK/PUBREC can wait for exactly that.
 */

import type { QoS } from '../codec/packets.js';
import { encodePublish } from '../codec/encoder.js';
import type { OutboundMessage, Session } from '../session/session.js';
import type { BrokerCore, Subscriber } from './core.js';
import type { Connection } from './connection.js';
import { onlineConnection, sendPublish } from './delivery.js';

export interface RouteSource {
  /** client id of the publisher ('$inline' for the host program, '$SYS' for statistics) */
  publisherId: string;
  /** the publishing connection, so backpressure can slow it down; undefined for inline, wills, $SYS */
  from: Connection | undefined;
  isWill: boolean;
}

export function route(
  core: BrokerCore,
  topicName: string,
  payload: Uint8Array,
  qos: QoS,
  retain: boolean,
  source: RouteSource,
): Promise<void> | undefined {
  let last: Promise<void> | undefined;
  /** a copy of the payload for anything long-lived (payload may be a view of a socket chunk) */
  let stable: Uint8Array | undefined;
  if (retain) {
    if (payload.length === 0) {
      // [MQTT-3.3.1-10] a zero-byte retained PUBLISH removes the retained message of the topic,
      // [MQTT-3.3.1-11] and is itself never stored; it is still delivered below as normal.
      if (core.retained.delete(topicName)) last = core.sync.deleteRetained(topicName) ?? last;
    } else {
      // [MQTT-3.3.1-5] store it, replacing any previous one; [MQTT-3.3.1-7] QoS 0 ones too.
      // Encoded once as the RETAIN=1 PUBLISH new subscriptions get; the stored payload is a view
      // of those bytes (one copy, detached from the socket chunk).
      const wire = encodePublish(topicName, payload, 0, true, false);
      stable = wire.subarray(wire.length - payload.length);
      const record = { topicName, payload: stable, qos, storedAt: core.now(), publisherId: source.publisherId, wire };
      core.retained.set(record);
      last = core.sync.putRetained(record) ?? last;
    }
  }

  const { subscribers, qos: granted } = core.index.match(topicName);
  const { from } = source;
  let qos0: Buffer | undefined;
  let qos1: Buffer | undefined;
  let qos2: Buffer | undefined;
  for (let i = 0; i < subscribers.length; i++) {
    const sub = subscribers[i] as Subscriber;
    const grantedQos = granted[i] as QoS;
    // [MQTT-3.3.5-1] delivered at the lower of the published QoS and the granted QoS.
    const q: QoS = qos < grantedQos ? qos : grantedQos;
    if (sub.kind === 'inline') {
      sub.deliver({ topicName, payload, qos: q, retain: false, publisherId: source.publisherId });
      continue;
    }
    const conn = onlineConnection(sub);
    if (q === 0) {
      // QoS 0 messages are not queued for disconnected sessions (optional in [MQTT-3.1.2-5]; mosquitto's default too).
      if (conn === undefined) continue;
      if (conn.outgoingBytes > core.limits.maxOutgoingBytes) {
        sub.dropped++;
        drop(core, sub, topicName);
        continue;
      }
      // [MQTT-3.3.1-9] RETAIN is 0 when forwarding to an established subscription.
      conn.send((qos0 ??= encodePublish(topicName, payload, 0, false, false)));
      core.counters.publishSent++;
      if (from !== undefined && conn.congested) from.waitFor(conn);
      continue;
    }
    const template = q === 1 ? (qos1 ??= encodePublish(topicName, payload, 1, false, false)) : (qos2 ??= encodePublish(topicName, payload, 2, false, false));
    const body = conn === undefined ? (stable ??= Uint8Array.prototype.slice.call(payload)) : payload;
    const msg: OutboundMessage = { seq: sub.takeSeq(), topicName, payload: body, qos: q, retain: false, state: 'queued', packetId: 0, template };
    if (conn !== undefined && sub.canSendNow(core.limits.maxInflight)) {
      sub.startInflight(msg);
      const durable = core.sync.putOutbound(sub, msg);
      last = durable ?? last;
      // A QoS 2 PUBLISH leaves only once its packet id is written (see sendPublish).
      sendPublish(core, conn, msg, false, q === 2 ? durable : undefined);
    } else if (sub.enqueue(msg, core.limits.maxQueued)) {
      last = core.sync.putOutbound(sub, msg) ?? last;
    } else {
      drop(core, sub, topicName);
      continue;
    }
    if (conn !== undefined) {
      conn.updateCongestion();
      if (from !== undefined && conn.congested) from.waitFor(conn);
    }
  }

  if (core.events.has('message.published')) {
    core.emit('message.published', { topicName, payload, qos, retain, publisherId: source.publisherId, isWill: source.isWill, at: core.now() });
  }
  return last;
}

/** A message a bound made us drop: counted and reported, never silent. */
function drop(core: BrokerCore, session: Session, topicName: string): void {
  core.counters.publishDropped++;
  if (core.events.has('message.dropped')) {
    core.emit('message.dropped', { clientId: session.clientId, topicName, reason: 'queue-full', count: 1 });
  }
}
