/** PINGREQ [MQTT-3.12]: answer PINGRESP [MQTT-3.12.4-1]. Any packet already reset the keepalive timer. */

import type { Connection, Violation } from '../connection.js';

const PINGRESP = Buffer.from([0xd0, 0x00]);

export function handlePingreq(conn: Connection): Violation | undefined {
  conn.send(PINGRESP);
  return undefined;
}
