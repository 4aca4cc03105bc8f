/**
 * The broker's persistence port. The broker owns all live state in memory; a Persistence
 * keeps a durable copy so that a restart (or a crash) brings back what was acknowledged.
 *
 * Rules every implementation follows (proved by the shared contract suite in
 * tests/broker-core/persistence/contract.ts):
 * - Records in and out are plain data (no class instances, no shared references).
 * - Mutations are queued in call order and applied in that order; the returned promise
 *   resolves once that mutation (and everything queued before it) is durable to the
 *   implementation's guarantee (see ARCHITECTURE.md: process crash vs power loss).
 *   Implementations batch queued mutations; callers must not await each one serially on a
 *   hot path unless they need the durability (e.g. before sending a PUBACK).
 * - load() returns everything that could be read. Unreadable or corrupt stores are moved
 *   aside (never wiped) and reported in `problems`; load() itself only rejects when the
 *   storage location cannot be used at all.
 * - Lifecycle: load() is called first; mutations before it, and anything after close(),
 *   reject. A later load() returns the current state again (problems are reported once).
 * - load() returns `outbound` sorted by clientId, then seq (delivery order). Outbound and
 *   incoming QoS 2 records whose session record does not exist are stale (deleteSession
 *   cascades; a crash can interrupt the cascade on disk): load() drops and deletes them.
 * - A mutation promise rejects only when the write failed; the caller must then not send
 *   the acknowledgement it was waiting for.
 */

import type { QoS } from '../codec/packets.js';

export interface RetainedRecord {
  topicName: string;
  payload: Uint8Array;
  qos: QoS;
  /** ms since epoch when the broker stored it */
  storedAt: number;
  /** client id of the publisher ('' for unknown / app) */
  publisherId: string;
}

export interface SubscriptionRecord {
  topicFilter: string;
  qos: QoS;
}

/** A clean-session-0 session as it stands between connections. */
export interface SessionRecord {
  clientId: string;
  subscriptions: SubscriptionRecord[];
  /** ms since epoch */
  createdAt: number;
  /** ms since epoch of the last disconnect (or of the last save while connected) */
  lastSeen: number;
}

/**
 * An outbound message owned by a persistent session: queued (not yet sent),
 * inflight (PUBLISH sent, waiting for PUBACK/PUBREC) or released (PUBREL sent,
 * waiting for PUBCOMP — only packetId matters then).
 */
export interface OutboundRecord {
  clientId: string;
  /** per-session monotonically increasing sequence number: delivery order */
  seq: number;
  state: 'queued' | 'inflight' | 'released';
  packetId?: number;
  topicName: string;
  payload: Uint8Array;
  qos: QoS;
  /** true when it was delivered because of a retained match at subscribe time */
  retain: boolean;
}

/** Inbound QoS 2 packet ids received (PUBREC sent) and awaiting PUBREL [MQTT-4.3.3]. */
export interface IncomingQos2Record {
  clientId: string;
  packetId: number;
}

/** The will of a client that is connected right now; published on restart after a crash. */
export interface WillRecord {
  clientId: string;
  topicName: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
}

export interface CounterRecord {
  name: string;
  value: number;
}

export interface LoadProblem {
  /** which store (file name or logical name) */
  store: string;
  /** where the unreadable data was moved, if it was */
  movedTo?: string;
  message: string;
}

export interface LoadedState {
  retained: RetainedRecord[];
  sessions: SessionRecord[];
  outbound: OutboundRecord[];
  incomingQos2: IncomingQos2Record[];
  wills: WillRecord[];
  counters: CounterRecord[];
  problems: LoadProblem[];
}

export interface Persistence {
  load(): Promise<LoadedState>;

  putRetained(record: RetainedRecord): Promise<void>;
  deleteRetained(topicName: string): Promise<void>;

  putSession(record: SessionRecord): Promise<void>;
  /** deletes the session and everything it owns (outbound, incoming QoS 2) */
  deleteSession(clientId: string): Promise<void>;

  /** insert or replace by (clientId, seq) */
  putOutbound(record: OutboundRecord): Promise<void>;
  deleteOutbound(clientId: string, seq: number): Promise<void>;
  /**
   * Deletes several outbound records of one session, as deleteOutbound for each seq in order
   * (unknown seqs are ignored). The broker hands over the acknowledgements that arrived together
   * (one socket read holds many PUBACKs) as one call, and waits for none of them: an
   * implementation may make these durable a little later (a few ms, or with the next mutation)
   * to write fewer, larger batches. Losing them in a crash only re-sends those messages.
   */
  deleteOutboundMany(clientId: string, seqs: readonly number[]): Promise<void>;

  putIncomingQos2(record: IncomingQos2Record): Promise<void>;
  deleteIncomingQos2(clientId: string, packetId: number): Promise<void>;

  putWill(record: WillRecord): Promise<void>;
  deleteWill(clientId: string): Promise<void>;

  putCounters(records: CounterRecord[]): Promise<void>;

  /** resolves when everything queued so far is durable */
  flush(): Promise<void>;
  /** flush, compact if useful, release files */
  close(): Promise<void>;
}
