/**
 * What happens when a connected client goes away: the session is detached (and discarded for a
 * clean session), the disconnect is reported, and the will is published unless the client
 * said DISCONNECT.
 */

import type { DisconnectReason } from '../api.js';
import type { Will } from '../codec/packets.js';
import type { BrokerCore } from './core.js';
import type { Connection } from './connection.js';
import { route } from './router.js';

export function connectionClosed(core: BrokerCore, conn: Connection, reason: DisconnectReason, detail: string | undefined): void {
  const session = conn.session;
  conn.session = undefined;
  if (session !== undefined && session.owner === conn) {
    session.owner = undefined;
    if (session.cleanSession) {
      // [MQTT-3.1.2-6] a clean session lasts as long as the network connection.
      core.discardSession(session);
    } else {
      session.lastSeen = core.now();
      core.sync.saveSession(session);
    }
  }
  core.counters.clientsConnected--;
  if (core.events.has('client.disconnected')) {
    const event = { ...conn.clientInfo(), reason, at: core.now() };
    core.emit('client.disconnected', detail === undefined ? event : { ...event, detail });
  }
  const will = conn.will;
  if (will === undefined) return;
  conn.will = undefined;
  // [MQTT-3.1.2-8] the will is published when the connection closes for any reason but
  // DISCONNECT [MQTT-3.1.2-10] (which already deleted it, see handlers/disconnect.ts).
  if (reason !== 'clean') publishWill(core, conn.clientId, will, reason);
  core.sync.deleteWill(conn.clientId);
}

/** Publishes a will like any other message ([MQTT-3.1.2-17] retained wills are retained). */
export function publishWill(core: BrokerCore, clientId: string, will: Will, reason: DisconnectReason): void {
  route(core, will.topicName, will.payload, will.qos, will.retain, { publisherId: clientId, from: undefined, isWill: true });
  if (core.events.has('will.published')) core.emit('will.published', { clientId, will, reason, at: core.now() });
}
