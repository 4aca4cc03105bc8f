/** DISCONNECT [MQTT-3.14]: the will is discarded unpublished [MQTT-3.14.4-3] and the connection closes. */

import type { Connection, Violation } from '../connection.js';

export function handleDisconnect(conn: Connection): Violation | undefined {
  if (conn.will !== undefined) {
    conn.will = undefined;
    conn.core.sync.deleteWill(conn.clientId);
  }
  // [MQTT-3.14.4-1] the server closes the network connection.
  conn.close('clean');
  return undefined;
}
