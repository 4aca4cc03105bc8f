/**
 * Start-up: rebuild live state from what the persistence loaded — retained messages, clean-
 * session-0 sessions with their subscriptions, outbound messages (queued / inflight / released,
 * in delivery order), inbound QoS 2 ids and counters — then publish the wills of clients that
 * were connected when the previous process ended without a clean shutdown, and delete them.
 */

import type { LoadedState } from '../persistence/persistence.js';
import { Session, type OutboundMessage } from '../session/session.js';
import type { BrokerCore } from './core.js';
import { publishWill } from './lifecycle.js';

/** Counter names written with putCounters (cumulative totals survive restarts). */
export const PERSISTED_COUNTERS = ['messagesReceived', 'messagesSent', 'publishReceived', 'publishSent', 'publishDropped', 'bytesReceived', 'bytesSent'] as const;

export function restoreState(core: BrokerCore, state: LoadedState): void {
  for (const problem of state.problems) core.emit('persistence.problem', { ...problem });
  for (const record of state.retained) core.retained.set(record);
  for (const record of state.sessions) {
    const session = new Session(record.clientId, false, record.createdAt, record.lastSeen);
    core.sessions.set(record.clientId, session);
    for (const { topicFilter, qos } of record.subscriptions) core.addSubscription(session, topicFilter, qos);
  }
  for (const record of state.outbound) {
    const session = core.sessions.get(record.clientId);
    if (session === undefined || record.qos === 0) continue;
    session.observeSeq(record.seq);
    const msg: OutboundMessage = {
      seq: record.seq,
      topicName: record.topicName,
      payload: record.payload,
      qos: record.qos,
      retain: record.retain,
      state: record.state,
      packetId: record.packetId ?? 0,
      template: undefined,
    };
    // [MQTT-4.4.0-1] unacknowledged messages keep their packet ids; they are re-sent on reconnect.
    if (record.state !== 'queued' && msg.packetId > 0) session.restoreInflight(msg);
    else session.enqueue(msg, Number.MAX_SAFE_INTEGER); // never drop what was already accepted
  }
  for (const record of state.incomingQos2) {
    const session = core.sessions.get(record.clientId);
    if (session !== undefined) (session.incomingQos2 ??= new Set()).add(record.packetId);
  }
  const counters = core.counters as unknown as Record<string, number>;
  for (const { name, value } of state.counters) {
    if ((PERSISTED_COUNTERS as readonly string[]).includes(name) && Number.isFinite(value)) counters[name] = value;
  }
  // [MQTT-3.1.2-8] these clients' connections ended without DISCONNECT (the broker stopped under them).
  for (const will of state.wills) {
    publishWill(core, will.clientId, { topicName: will.topicName, payload: will.payload, qos: will.qos, retain: will.retain }, 'server-shutdown');
    core.sync.deleteWill(will.clientId);
  }
}

export function counterRecords(core: BrokerCore): { name: string; value: number }[] {
  const counters = core.counters as unknown as Record<string, number>;
  return PERSISTED_COUNTERS.map((name) => ({ name, value: counters[name] ?? 0 }));
}
