/**
 * CONNECT [MQTT-3.1]: protocol check, client identifier rules, authentication hook, session
 * take-over / resumption, will registration, CONNACK [MQTT-3.2].
 */

import { randomUUID } from 'node:crypto';
import { ConnackCode, type ConnectPacket } from '../../codec/packets.js';
import { isSupportedProtocol } from '../../codec/parse-connect.js';
import { Session } from '../../session/session.js';
import { type Connection, type Violation, violation } from '../connection.js';
import { resumeDelivery } from '../delivery.js';

function connack(sessionPresent: boolean, returnCode: number): Buffer {
  return Buffer.from([0x20, 0x02, sessionPresent ? 1 : 0, returnCode]);
}

export function handleConnect(conn: Connection, p: ConnectPacket): Violation | undefined {
  // [MQTT-3.1.2-2] a protocol level we do not serve: CONNACK 0x01, then close.
  if (!isSupportedProtocol(p)) {
    return refuse(conn, p.clientId, ConnackCode.UNACCEPTABLE_PROTOCOL_VERSION, `unsupported protocol ${p.protocolName} level ${p.protocolLevel} [MQTT-3.1.2-2]`);
  }
  let clientId = p.clientId;
  if (clientId.length === 0) {
    // [MQTT-3.1.3-8] a zero-length client id with clean session 0: CONNACK 0x02, then close.
    if (!p.cleanSession) return refuse(conn, clientId, ConnackCode.IDENTIFIER_REJECTED, 'zero-length client id with clean session 0 [MQTT-3.1.3-8]');
    // [MQTT-3.1.3-6] zero-length with clean session 1: the server assigns a unique id.
    clientId = assignClientId(conn);
  }
  const hook = conn.core.authenticate;
  if (hook === undefined) return accept(conn, p, clientId);
  let verdict: number | Promise<number>;
  try {
    verdict = hook({ clientId, username: p.username, password: p.password, address: conn.wire.remoteAddress });
  } catch (err) {
    return refuse(conn, clientId, ConnackCode.SERVER_UNAVAILABLE, `authentication hook threw: ${String(err)}`);
  }
  if (typeof verdict === 'number') return decide(conn, p, clientId, verdict);
  // Asynchronous hook: hold later packets until the verdict (per-connection serial order).
  conn.beginConnecting();
  verdict.then(
    (code) => finishAsync(conn, decide(conn, p, clientId, code)),
    (err: unknown) => finishAsync(conn, refuse(conn, clientId, ConnackCode.SERVER_UNAVAILABLE, `authentication hook failed: ${String(err)}`)),
  );
  return undefined;
}

function finishAsync(conn: Connection, problem: Violation | undefined): void {
  if (problem !== undefined) conn.close(problem.reason, problem.detail);
  else conn.replayBacklog();
}

function decide(conn: Connection, p: ConnectPacket, clientId: string, code: unknown): Violation | undefined {
  if (conn.isClosed) return undefined; // the socket went away while the hook was thinking
  if (code === 0) return accept(conn, p, clientId);
  // The hook may only answer with a CONNACK refusal code; anything else counts as "not authorized".
  const returnCode = typeof code === 'number' && Number.isInteger(code) && code >= 1 && code <= 5 ? code : ConnackCode.NOT_AUTHORIZED;
  return refuse(conn, clientId, returnCode, `refused by the authentication hook (CONNACK ${returnCode})`);
}

/** [MQTT-3.2.2-4] session present 0 with a non-zero return code; [MQTT-3.2.2-5] then close. */
function refuse(conn: Connection, clientId: string, returnCode: number, detail: string): Violation {
  conn.send(connack(false, returnCode));
  const core = conn.core;
  if (core.events.has('client.refused')) core.emit('client.refused', { address: conn.wire.remoteAddress, clientId, returnCode, at: core.now() });
  return violation(detail, 'refused');
}

function assignClientId(conn: Connection): string {
  for (;;) {
    const id = `auto-${randomUUID()}`;
    if (!conn.core.sessions.has(id)) return id;
  }
}

function accept(conn: Connection, p: ConnectPacket, clientId: string): Violation | undefined {
  const core = conn.core;
  const now = core.now();
  let existing = core.sessions.get(clientId);
  if (existing?.owner !== undefined) {
    // [MQTT-3.1.4-2] the client id is connected already: close that connection first.
    (existing.owner as Connection).close('taken-over', `the client id connected again from ${conn.wire.remoteAddress}`);
    existing = core.sessions.get(clientId);
  }
  let session: Session;
  let sessionPresent = false;
  if (p.cleanSession) {
    // [MQTT-3.1.2-6] discard any previous session and start a new one.
    if (existing !== undefined) {
      core.discardSession(existing);
      core.sync.deleteSession(clientId);
    }
    session = new Session(clientId, true, now, now);
  } else if (existing !== undefined) {
    // [MQTT-3.1.2-4] resume the stored session; [MQTT-3.2.2-2] session present = 1.
    session = existing;
    sessionPresent = true;
  } else {
    // [MQTT-3.2.2-3] a new session: session present = 0.
    session = new Session(clientId, false, now, now);
  }
  core.sessions.set(clientId, session);
  session.owner = conn;
  session.lastSeen = now;
  conn.session = session;
  conn.clientId = clientId;
  conn.keepalive = p.keepalive;
  // Written first so that the session's later records (outbound, QoS 2 ids) have an owner.
  core.sync.saveSession(session);
  if (p.will !== undefined) {
    // [MQTT-3.1.2-9] the will is stored with the connection; its payload may alias the socket chunk.
    conn.will = { ...p.will, payload: Uint8Array.prototype.slice.call(p.will.payload) };
    core.sync.putWill(clientId, conn.will);
  }
  conn.address = conn.wire.remoteAddress;
  conn.protocolLevel = p.protocolLevel;
  conn.cleanSession = p.cleanSession;
  conn.username = p.username;
  conn.declaredWill = conn.will;
  conn.connectedAt = now;
  const counters = core.counters;
  counters.clientsConnected++;
  if (counters.clientsConnected > counters.clientsMaximum) counters.clientsMaximum = counters.clientsConnected;
  conn.markConnected();
  // [MQTT-3.2.0-1] CONNACK is the first packet the server sends. Session present exists only in
  // 3.1.1 [MQTT-3.2.2-2]: MQTT 3.1 reserves that byte ("not used"), so a 3.1 client gets 0 (as from mosquitto).
  conn.send(connack(sessionPresent && p.protocolLevel === 4, ConnackCode.ACCEPTED));
  if (core.events.has('client.connected')) core.emit('client.connected', { ...conn.clientInfo(), sessionPresent });
  if (sessionPresent) resumeDelivery(core, conn, session);
  return undefined;
}
