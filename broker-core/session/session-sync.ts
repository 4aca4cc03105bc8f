/**
 * Keeps the durable copy in step with the live state. The broker calls these right after it
 * changes its in-memory state, in the same order, so the Persistence queue applies mutations in
 * the order they happened. Each call returns the Persistence promise (or undefined when there is
 * nothing to write); the broker only awaits one when an acknowledgement depends on it.
 *
 * Only clean-session-0 sessions are persisted [MQTT-3.1.2-4]: a clean session ends with its
 * connection, so writing its messages would be wasted work. `$SYS/…` retained messages are
 * regenerated at start and never written.
 *
 * A failed write is reported through `onError` (once per failure); the promise still rejects so
 * that a caller waiting to acknowledge does not send the acknowledgement.
 */

import type { Will } from '../codec/packets.js';
import type { OutboundRecord, Persistence, RetainedRecord, SessionRecord } from '../persistence/persistence.js';
import type { OutboundMessage, Session } from './session.js';

export type PersistenceErrorHandler = (operation: string, error: unknown) => void;

export class SessionSync {
  /**
   * Seqs of completed outbound messages not handed to the persistence yet, per session (see
   * ackOutbound). Bounded by the acknowledgements of one task: at most maxInflight per session.
   */
  private acked: Map<Session, number[]> | undefined = undefined;
  private readonly flushAckedBound = (): void => this.flushAcked();

  constructor(
    private readonly persistence: Persistence | undefined,
    private readonly onError: PersistenceErrorHandler,
  ) {}

  get enabled(): boolean {
    return this.persistence !== undefined;
  }

  saveSession(session: Session): Promise<void> | undefined {
    if (this.persistence === undefined || session.cleanSession) return undefined;
    this.settleAcked();
    return this.watch('putSession', this.persistence.putSession(sessionRecord(session)));
  }

  deleteSession(clientId: string): Promise<void> | undefined {
    if (this.persistence === undefined) return undefined;
    this.settleAcked();
    return this.watch('deleteSession', this.persistence.deleteSession(clientId));
  }

  putOutbound(session: Session, msg: OutboundMessage): Promise<void> | undefined {
    if (this.persistence === undefined || session.cleanSession) return undefined;
    this.settleAcked();
    return this.watch('putOutbound', this.persistence.putOutbound(outboundRecord(session.clientId, msg)));
  }

  /**
   * A queued message was sent (queued → inflight). Written for QoS 2 only: a QoS 2 receiver
   * remembers the packet id until PUBREL, so after a crash the message must be re-sent under the
   * same id [MQTT-4.4.0-1] or it would be delivered twice. A QoS 1 receiver keeps no state, so
   * re-sending the still-"queued" record after a crash under a new id is the same at-least-once
   * delivery — and skipping the write halves the disk work of draining a queue.
   */
  markInflight(session: Session, msg: OutboundMessage): Promise<void> | undefined {
    if (msg.qos === 1) return undefined;
    return this.putOutbound(session, msg);
  }

  deleteOutbound(session: Session, msg: OutboundMessage): Promise<void> | undefined {
    if (this.persistence === undefined || session.cleanSession) return undefined;
    this.settleAcked();
    return this.watch('deleteOutbound', this.persistence.deleteOutbound(session.clientId, msg.seq));
  }

  /**
   * A PUBACK (QoS 1) or PUBCOMP (QoS 2) completed `msg`: its record goes. One socket read often
   * holds many acknowledgements; they become one deleteOutboundMany per session, handed over at
   * the end of this task (a microtask) or before any other mutation, whichever comes first — so
   * the persistence still applies mutations in the order they happened. Nothing waits for these
   * deletes: a crash before they are written re-sends the message (QoS 1, at least once) or the
   * PUBREL (QoS 2, which the receiver answers with PUBCOMP again).
   */
  ackOutbound(session: Session, msg: OutboundMessage): void {
    if (this.persistence === undefined || session.cleanSession) return;
    let acked = this.acked;
    if (acked === undefined) {
      acked = this.acked = new Map();
      queueMicrotask(this.flushAckedBound);
    }
    const seqs = acked.get(session);
    if (seqs === undefined) acked.set(session, [msg.seq]);
    else seqs.push(msg.seq);
  }

  /** Hands the pending acknowledgements over before another mutation (call order = apply order). */
  private settleAcked(): void {
    if (this.acked !== undefined) this.flushAcked();
  }

  private flushAcked(): void {
    const acked = this.acked;
    if (acked === undefined || this.persistence === undefined) return;
    this.acked = undefined;
    for (const [session, seqs] of acked) {
      this.watch('deleteOutbound', this.persistence.deleteOutboundMany(session.clientId, seqs));
    }
  }

  putIncomingQos2(session: Session, packetId: number): Promise<void> | undefined {
    if (this.persistence === undefined || session.cleanSession) return undefined;
    this.settleAcked();
    return this.watch('putIncomingQos2', this.persistence.putIncomingQos2({ clientId: session.clientId, packetId }));
  }

  deleteIncomingQos2(session: Session, packetId: number): Promise<void> | undefined {
    if (this.persistence === undefined || session.cleanSession) return undefined;
    this.settleAcked();
    return this.watch('deleteIncomingQos2', this.persistence.deleteIncomingQos2(session.clientId, packetId));
  }

  putWill(clientId: string, will: Will): Promise<void> | undefined {
    if (this.persistence === undefined) return undefined;
    this.settleAcked();
    const record = { clientId, topicName: will.topicName, payload: will.payload, qos: will.qos, retain: will.retain };
    return this.watch('putWill', this.persistence.putWill(record));
  }

  deleteWill(clientId: string): Promise<void> | undefined {
    if (this.persistence === undefined) return undefined;
    this.settleAcked();
    return this.watch('deleteWill', this.persistence.deleteWill(clientId));
  }

  putRetained(record: RetainedRecord): Promise<void> | undefined {
    if (this.persistence === undefined || isSysTopic(record.topicName)) return undefined;
    this.settleAcked();
    return this.watch('putRetained', this.persistence.putRetained(record));
  }

  deleteRetained(topicName: string): Promise<void> | undefined {
    if (this.persistence === undefined || isSysTopic(topicName)) return undefined;
    this.settleAcked();
    return this.watch('deleteRetained', this.persistence.deleteRetained(topicName));
  }

  putCounters(records: { name: string; value: number }[]): Promise<void> | undefined {
    if (this.persistence === undefined) return undefined;
    this.settleAcked();
    return this.watch('putCounters', this.persistence.putCounters(records));
  }

  /** Attaches the error report so that an un-awaited write never becomes an unhandled rejection. */
  private watch(operation: string, promise: Promise<void>): Promise<void> {
    promise.catch((err: unknown) => this.onError(operation, err));
    return promise;
  }
}

export function isSysTopic(topicName: string): boolean {
  return topicName.startsWith('$SYS/');
}

export function sessionRecord(session: Session): SessionRecord {
  const subscriptions = session.subscriptionEntries().map(([topicFilter, qos]) => ({ topicFilter, qos }));
  return { clientId: session.clientId, subscriptions, createdAt: session.createdAt, lastSeen: session.lastSeen };
}

export function outboundRecord(clientId: string, msg: OutboundMessage): OutboundRecord {
  const record: OutboundRecord = {
    clientId,
    seq: msg.seq,
    state: msg.state,
    topicName: msg.topicName,
    payload: msg.payload,
    qos: msg.qos,
    retain: msg.retain,
  };
  if (msg.state !== 'queued') record.packetId = msg.packetId;
  return record;
}
