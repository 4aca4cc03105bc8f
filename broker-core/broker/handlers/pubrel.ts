/**
 * PUBREL [MQTT-3.6]: the client releases an inbound QoS 2 packet id; answer PUBCOMP [MQTT-4.3.3-2]
 * (also for an id we do not hold). The PUBCOMP waits until the id's deletion is durable: were it
 * sent earlier and the broker crashed, a new message reusing the id would be taken for a duplicate.
 */

import type { PubrelPacket } from '../../codec/packets.js';
import type { Session } from '../../session/session.js';
import type { Connection, Violation } from '../connection.js';
import { idPacket } from '../delivery.js';

export function handlePubrel(conn: Connection, p: PubrelPacket): Violation | undefined {
  const session = conn.session as Session;
  const held = session.incomingQos2?.delete(p.packetId) ?? false;
  const durable = held ? conn.core.sync.deleteIncomingQos2(session, p.packetId) : undefined;
  conn.ack(idPacket(0x70, p.packetId), durable);
  return undefined;
}
