/**
 * The flat dispatch from packet type to its handler (one small module per type). Handlers return
 * a Violation when the connection must close; Connection.receivePacket acts on it.
 */

import type { Packet } from '../../codec/packets.js';
import { type Connection, type Violation, violation } from '../connection.js';
import { handleConnect } from './connect.js';
import { handlePublish } from './publish.js';
import { handlePuback } from './puback.js';
import { handlePubrec } from './pubrec.js';
import { handlePubrel } from './pubrel.js';
import { handlePubcomp } from './pubcomp.js';
import { handleSubscribe } from './subscribe.js';
import { handleUnsubscribe } from './unsubscribe.js';
import { handlePingreq } from './pingreq.js';
import { handleDisconnect } from './disconnect.js';

export function dispatch(conn: Connection, packet: Packet): Violation | undefined {
  if (conn.awaitingConnect) {
    // [MQTT-3.1.0-1] the first packet from the client must be CONNECT.
    if (packet.type !== 'connect') return violation(`first packet was ${packet.type.toUpperCase()}, not CONNECT [MQTT-3.1.0-1]`);
    return handleConnect(conn, packet);
  }
  switch (packet.type) {
    case 'publish':
      return handlePublish(conn, packet);
    case 'puback':
      return handlePuback(conn, packet);
    case 'pubrec':
      return handlePubrec(conn, packet);
    case 'pubrel':
      return handlePubrel(conn, packet);
    case 'pubcomp':
      return handlePubcomp(conn, packet);
    case 'subscribe':
      return handleSubscribe(conn, packet);
    case 'unsubscribe':
      return handleUnsubscribe(conn, packet);
    case 'pingreq':
      return handlePingreq(conn);
    case 'disconnect':
      return handleDisconnect(conn);
    case 'connect':
      // [MQTT-3.1.0-2] a second CONNECT is a protocol violation.
      return violation('second CONNECT on one connection [MQTT-3.1.0-2]');
    case 'connack':
    case 'suback':
    case 'unsuback':
    case 'pingresp':
      return violation(`${packet.type.toUpperCase()} is sent by servers, never by clients [MQTT-4.8]`);
  }
}
