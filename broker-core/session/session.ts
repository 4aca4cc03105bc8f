/**
 * Session state [MQTT-3.1.2-4]: what the broker keeps for one client id — its subscriptions,
 * the QoS 1/2 messages on their way to it (queued, then inflight, then released for QoS 2),
 * the packet identifiers in use, and the QoS 2 packet ids it received and has not released yet.
 *
 * Pure state with no I/O: the broker decides when to send and what to persist. Per-connection
 * structures are created lazily so that an idle connection costs little memory.
 */

import type { QoS } from '../codec/packets.js';
import type { IndexSubscriber } from '../topics/topic-index.js';
import { Fifo } from './fifo.js';

export type OutboundState = 'queued' | 'inflight' | 'released';

/** One QoS 1/2 message on its way to this session's client. */
export interface OutboundMessage {
  /** per-session delivery order; the persistence key */
  seq: number;
  topicName: string;
  payload: Uint8Array;
  qos: 1 | 2;
  /** true only for a delivery caused by a new subscription [MQTT-3.3.1-8] */
  retain: boolean;
  state: OutboundState;
  /** 0 while queued */
  packetId: number;
  /**
   * The PUBLISH encoded once for this (message, qos, retain) and shared by every receiver;
   * the packet id is stamped into a copy when sent. Undefined after a reload (encoded lazily).
   */
  template: Buffer | undefined;
}

/** The part of a connection a session refers to; kept minimal to avoid a dependency cycle. */
export interface SessionOwner {
  readonly clientId: string;
}

export class Session implements IndexSubscriber {
  readonly kind = 'session' as const;
  matchGen = 0;
  matchQos: QoS = 0;

  /** the connection currently attached, if the client is online */
  owner: SessionOwner | undefined = undefined;
  /** [MQTT-4.3.3] inbound QoS 2 packet ids: PUBREC sent, PUBREL not yet received */
  incomingQos2: Set<number> | undefined = undefined;
  /** messages dropped because the queue bound was hit */
  dropped = 0;
  /** QoS 1/2 exchanges completed (PUBACK / PUBCOMP): progress, for backpressure */
  acknowledged = 0;
  /** a refill of the inflight window is scheduled for the end of this task (delivery.refillLater) */
  refillPending = false;

  /** topic filter → granted QoS: the first one inline, a Map from the second on (memory) */
  private oneFilter: string | undefined = undefined;
  private oneQos: QoS = 0;
  private manyFilters: Map<string, QoS> | undefined = undefined;
  private inflightMap: Map<number, OutboundMessage> | undefined = undefined;
  private queue: Fifo<OutboundMessage> | undefined = undefined;
  private nextPacketId = 1;
  private nextSeq = 1;

  constructor(
    readonly clientId: string,
    public cleanSession: boolean,
    readonly createdAt: number,
    public lastSeen: number,
  ) {}

  get inflightCount(): number {
    return this.inflightMap?.size ?? 0;
  }

  get queuedCount(): number {
    return this.queue?.length ?? 0;
  }

  get subscriptionCount(): number {
    return this.manyFilters !== undefined ? this.manyFilters.size : this.oneFilter === undefined ? 0 : 1;
  }

  /** Next sequence number for a new outbound message (monotonic per session). */
  takeSeq(): number {
    return this.nextSeq++;
  }

  /** After a reload: continue numbering after the highest persisted sequence number. */
  observeSeq(seq: number): void {
    if (seq >= this.nextSeq) this.nextSeq = seq + 1;
  }

  /**
   * [MQTT-2.3.1-2] a fresh packet identifier not used by any unacknowledged message.
   * Callers keep the window below 65535, so a free identifier always exists.
   */
  allocatePacketId(): number {
    const inUse = this.inflightMap;
    for (;;) {
      const id = this.nextPacketId;
      this.nextPacketId = id === 0xffff ? 1 : id + 1;
      if (inUse === undefined || !inUse.has(id)) return id;
    }
  }

  /** Appends to the queue unless it already holds `maxQueued` messages (then counts a drop). */
  enqueue(msg: OutboundMessage, maxQueued: number): boolean {
    this.queue ??= new Fifo();
    if (this.queue.length >= maxQueued) {
      this.dropped++;
      return false;
    }
    msg.state = 'queued';
    msg.packetId = 0;
    this.queue.push(msg);
    return true;
  }

  /** Whether a message may go straight into the inflight window (nothing queued ahead of it). */
  canSendNow(maxInflight: number): boolean {
    return this.queuedCount === 0 && this.inflightCount < maxInflight;
  }

  /** Puts a message into the inflight window with a fresh packet id. */
  startInflight(msg: OutboundMessage): void {
    msg.packetId = this.allocatePacketId();
    msg.state = 'inflight';
    this.inflightMap ??= new Map();
    this.inflightMap.set(msg.packetId, msg);
  }

  /** Moves the head of the queue into the inflight window if there is room. */
  dequeueForSend(maxInflight: number): OutboundMessage | undefined {
    if (this.queue === undefined || this.inflightCount >= maxInflight) return undefined;
    const msg = this.queue.shift();
    if (msg !== undefined) this.startInflight(msg);
    return msg;
  }

  /** Restores a persisted inflight/released message under its original packet id [MQTT-4.4.0-1]. */
  restoreInflight(msg: OutboundMessage): void {
    this.inflightMap ??= new Map();
    this.inflightMap.set(msg.packetId, msg);
  }

  /**
   * PUBREC arrived for an inflight QoS 2 message: it becomes 'released' and moves to the back of
   * the window, so that a reconnect re-sends PUBRELs in the order their PUBRECs arrived
   * [MQTT-4.6.0-3]; PUBLISHes keep the order they were first sent in [MQTT-4.6.0-1]. (After a
   * broker restart the window is rebuilt in first-sent order: the persisted records keep no
   * PUBREC order.)
   */
  release(msg: OutboundMessage): void {
    msg.state = 'released';
    const inflight = this.inflightMap;
    if (inflight !== undefined && inflight.delete(msg.packetId)) inflight.set(msg.packetId, msg);
  }

  getInflight(packetId: number): OutboundMessage | undefined {
    return this.inflightMap?.get(packetId);
  }

  /** Frees the packet id of a completed message (PUBACK, or PUBCOMP for QoS 2). */
  complete(packetId: number): OutboundMessage | undefined {
    const msg = this.inflightMap?.get(packetId);
    if (msg !== undefined) {
      this.inflightMap?.delete(packetId);
      this.acknowledged++;
    }
    return msg;
  }

  /** Inflight messages in the order they were first sent [MQTT-4.6.0-1], released ones in PUBREC order behind them. */
  inflight(): IterableIterator<OutboundMessage> {
    return (this.inflightMap ?? EMPTY_MAP).values();
  }

  queued(): Iterable<OutboundMessage> {
    return this.queue ?? EMPTY_LIST;
  }

  /** Adds or replaces a subscription; returns true when the filter is new. */
  addSubscription(topicFilter: string, qos: QoS): boolean {
    if (this.manyFilters !== undefined) {
      const isNew = !this.manyFilters.has(topicFilter);
      this.manyFilters.set(topicFilter, qos);
      return isNew;
    }
    if (this.oneFilter === undefined || this.oneFilter === topicFilter) {
      const isNew = this.oneFilter === undefined;
      this.oneFilter = topicFilter;
      this.oneQos = qos;
      return isNew;
    }
    this.manyFilters = new Map([[this.oneFilter, this.oneQos], [topicFilter, qos]]);
    this.oneFilter = undefined;
    return true;
  }

  removeSubscription(topicFilter: string): boolean {
    if (this.manyFilters !== undefined) return this.manyFilters.delete(topicFilter);
    if (this.oneFilter !== topicFilter) return false;
    this.oneFilter = undefined;
    return true;
  }

  getSubscription(topicFilter: string): QoS | undefined {
    if (this.manyFilters !== undefined) return this.manyFilters.get(topicFilter);
    return this.oneFilter === topicFilter ? this.oneQos : undefined;
  }

  /** [topicFilter, qos] pairs, in the order they were first subscribed */
  subscriptionEntries(): [string, QoS][] {
    if (this.manyFilters !== undefined) return [...this.manyFilters];
    return this.oneFilter === undefined ? [] : [[this.oneFilter, this.oneQos]];
  }

  clearSubscriptions(): void {
    this.oneFilter = undefined;
    this.manyFilters = undefined;
  }

  /** Drops every message and inbound QoS 2 id (a clean session ends). */
  clearMessages(): void {
    this.inflightMap = undefined;
    this.queue = undefined;
    this.incomingQos2 = undefined;
  }
}

const EMPTY_MAP = new Map<number, OutboundMessage>();
const EMPTY_LIST: readonly OutboundMessage[] = [];
