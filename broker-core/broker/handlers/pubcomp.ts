/** PUBCOMP [MQTT-3.7]: our QoS 2 exchange with the client is complete. */

import type { PubcompPacket } from '../../codec/packets.js';
import type { Session } from '../../session/session.js';
import type { Connection, Violation } from '../connection.js';
import { completeQos2 } from '../delivery.js';

export function handlePubcomp(conn: Connection, p: PubcompPacket): Violation | undefined {
  completeQos2(conn.core, conn.session as Session, p.packetId);
  return undefined;
}
