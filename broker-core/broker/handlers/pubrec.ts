/** PUBREC [MQTT-3.5]: the client received our QoS 2 PUBLISH; answer PUBREL [MQTT-4.3.3]. */

import type { PubrecPacket } from '../../codec/packets.js';
import type { Session } from '../../session/session.js';
import type { Connection, Violation } from '../connection.js';
import { pubrelBytes, releaseQos2 } from '../delivery.js';

export function handlePubrec(conn: Connection, p: PubrecPacket): Violation | undefined {
  // [MQTT-4.3.3-1] PUBREL goes out only once the "released" state is durable.
  conn.ack(pubrelBytes(p.packetId), releaseQos2(conn.core, conn.session as Session, p.packetId));
  return undefined;
}
