/**
 * [MQTT-3.3.1-6] a new subscription receives the retained message of every matching topic,
 * with RETAIN=1 [MQTT-3.3.1-8], at min(stored QoS, granted QoS). QoS 1/2 ones go through the
 * session's inflight window and queue like any other message (bounded, drops counted).
 */

import type { QoS } from '../codec/packets.js';
import { encodePublish } from '../codec/encoder.js';
import type { OutboundMessage, Session } from '../session/session.js';
import type { BrokerCore } from './core.js';
import type { Connection } from './connection.js';
import { sendPublish } from './delivery.js';

export interface GrantedFilter {
  topicFilter: string;
  qos: QoS;
}

export function deliverRetained(core: BrokerCore, conn: Connection, session: Session, granted: readonly GrantedFilter[]): void {
  if (conn.isClosed || core.retained.size === 0) return;
  const { maxInflight, maxQueued } = core.limits;
  for (const { topicFilter, qos: grantedQos } of granted) {
    for (const record of core.retained.match(topicFilter)) {
      const q: QoS = record.qos < grantedQos ? record.qos : grantedQos;
      if (q === 0) {
        conn.send((record.wire ??= encodePublish(record.topicName, record.payload, 0, true, false)));
        core.counters.publishSent++;
        continue;
      }
      const msg: OutboundMessage = {
        seq: session.takeSeq(),
        topicName: record.topicName,
        payload: record.payload,
        qos: q,
        retain: true,
        state: 'queued',
        packetId: 0,
        template: undefined,
      };
      if (session.canSendNow(maxInflight)) {
        session.startInflight(msg);
        sendPublish(core, conn, msg, false);
      } else if (!session.enqueue(msg, maxQueued)) {
        core.counters.publishDropped++;
        if (core.events.has('message.dropped')) core.emit('message.dropped', { clientId: session.clientId, topicName: record.topicName, reason: 'queue-full', count: 1 });
        continue;
      }
      core.sync.putOutbound(session, msg);
    }
  }
}
