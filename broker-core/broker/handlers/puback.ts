/** PUBACK [MQTT-3.4]: a QoS 1 message we sent is delivered. */

import type { PubackPacket } from '../../codec/packets.js';
import type { Session } from '../../session/session.js';
import type { Connection, Violation } from '../connection.js';
import { completeQos1 } from '../delivery.js';

export function handlePuback(conn: Connection, p: PubackPacket): Violation | undefined {
  completeQos1(conn.core, conn.session as Session, p.packetId);
  return undefined;
}
