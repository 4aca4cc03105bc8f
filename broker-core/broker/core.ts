/**
 * BrokerCore: the single owner of broker state. Everything runs on Node's event loop, so no
 * state is shared across threads and no locks exist: connections push decoded packets in (via
 * their handlers) and take encoded bytes out; they never touch another connection's state
 * except through the methods here.
 *
 * Owned here: sessions by client id, open connections, the topic index (subscriptions), the
 * retained store, counters, the write-batching list, and the durable-copy sync.
 */

import type { AuthenticateHook, BrokerEvents, BrokerLimits } from '../api.js';
import type { Persistence } from '../persistence/persistence.js';
import type { Packet, QoS } from '../codec/packets.js';
import { TopicIndex } from '../topics/topic-index.js';
import { RetainedStore } from '../topics/retained-store.js';
import { Session } from '../session/session.js';
import { SessionSync } from '../session/session-sync.js';
import { BrokerEventBus } from './events.js';
import { CONNECT_TIMEOUT_MS } from './limits.js';
import { checkStall, isHeldBack } from './backpressure.js';
import { PacketDecoder } from '../codec/decoder.js';
import type { Connection } from './connection.js';
import type { InlineSubscriber } from './inline-subscriber.js';

/** Anything the topic index can hold. */
export type Subscriber = Session | InlineSubscriber;

export class Counters {
  messagesReceived = 0;
  messagesSent = 0;
  publishReceived = 0;
  publishSent = 0;
  publishDropped = 0;
  bytesReceived = 0;
  bytesSent = 0;
  clientsConnected = 0;
  clientsMaximum = 0;
  connectionsRefused = 0;
}

export interface CoreOptions {
  limits: Required<BrokerLimits>;
  persistence: Persistence | undefined;
  authenticate: AuthenticateHook | undefined;
  now: () => number;
}

export class BrokerCore {
  readonly limits: Required<BrokerLimits>;
  readonly now: () => number;
  readonly authenticate: AuthenticateHook | undefined;
  readonly events = new BrokerEventBus();
  readonly sync: SessionSync;
  readonly sessions = new Map<string, Session>();
  readonly connections = new Set<Connection>();
  readonly index = new TopicIndex<Subscriber>();
  readonly retained = new RetainedStore();
  readonly counters = new Counters();
  readonly startedAt: number;

  /**
   * Decoders not in use. A connection holds a decoder only while a packet is split across
   * chunks; between packets it returns it here, so an idle connection owns none (memory).
   */
  private readonly spareDecoders: PacketDecoder[] = [];

  /**
   * The connection whose bytes are being decoded right now. One shared packet callback reads it,
   * so a connection needs no closure of its own (memory per idle connection).
   */
  receiving: Connection | undefined = undefined;
  readonly deliverPacket = (packet: Packet): void => {
    this.receiving?.receivePacket(packet);
  };

  /** sessions whose inflight window is refilled at the end of this task (delivery.refillLater) */
  readonly refills: Session[] = [];

  /** connections with bytes waiting to be written at the end of this turn of the event loop */
  private dirty: Connection[] = [];
  private flushScheduled = false;
  private readonly flushAll = (): void => this.flush();

  constructor(options: CoreOptions) {
    this.limits = options.limits;
    this.now = options.now;
    this.authenticate = options.authenticate;
    this.startedAt = options.now();
    this.sync = new SessionSync(options.persistence, (operation, error) => this.reportPersistenceError(operation, error));
  }

  /** Batches socket writes: every connection written to during this turn is flushed once. */
  markDirty(conn: Connection): void {
    this.dirty.push(conn);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAll);
    }
  }

  flush(): void {
    this.flushScheduled = false;
    const dirty = this.dirty;
    this.dirty = [];
    for (let i = 0; i < dirty.length; i++) (dirty[i] as Connection).flush();
  }

  takeDecoder(): PacketDecoder {
    return this.spareDecoders.pop() ?? new PacketDecoder({ maxPacketSize: this.limits.maxPacketSize });
  }

  /** Only a decoder holding no partial packet and not failed may come back. */
  returnDecoder(decoder: PacketDecoder): void {
    if (this.spareDecoders.length < 8) this.spareDecoders.push(decoder);
  }

  emit<E extends keyof BrokerEvents>(event: E, ...args: Parameters<BrokerEvents[E]>): void {
    this.events.emit(event, ...args);
  }

  addSubscription(session: Session, topicFilter: string, qos: QoS): void {
    session.addSubscription(topicFilter, qos);
    this.index.add(topicFilter, session, qos);
  }

  removeSubscription(session: Session, topicFilter: string): boolean {
    if (!session.removeSubscription(topicFilter)) return false;
    this.index.remove(topicFilter, session);
    return true;
  }

  /** Forgets a session entirely (its subscriptions leave the index). */
  discardSession(session: Session): void {
    for (const [topicFilter] of session.subscriptionEntries()) this.index.remove(topicFilter, session);
    session.clearSubscriptions();
    session.clearMessages();
    if (this.sessions.get(session.clientId) === session) this.sessions.delete(session.clientId);
  }

  /** Keepalive [MQTT-3.1.2-24], CONNECT timeouts and stalled subscribers, every SWEEP_INTERVAL_MS. */
  sweep(): void {
    const now = this.now();
    for (const conn of this.connections) {
      if (conn.flow !== undefined) checkStall(conn, now);
      // A packet arrived since the last sweep, or the broker itself is not reading this client
      // (backpressure): either way its keepalive period starts again.
      if (conn.active || isHeldBack(conn)) {
        conn.active = false;
        conn.lastActivity = now;
        continue;
      }
      if (conn.isConnected) {
        // [MQTT-3.1.2-24] nothing received for one and a half times the keepalive: disconnect.
        if (conn.keepalive > 0 && now - conn.lastActivity > conn.keepalive * 1500) {
          conn.close('keepalive-timeout', `no packet for ${((now - conn.lastActivity) / 1000).toFixed(1)} s (keepalive ${conn.keepalive} s)`);
        }
      } else if (now - conn.lastActivity > CONNECT_TIMEOUT_MS) {
        conn.close('protocol-violation', `no CONNECT within ${CONNECT_TIMEOUT_MS / 1000} s`);
      }
    }
    this.flush();
  }

  reportPersistenceError(operation: string, error: unknown): void {
    this.emit('persistence.problem', { store: operation, message: error instanceof Error ? error.message : String(error) });
  }

  get inflightCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.inflightCount;
    return n;
  }

  get queuedCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.queuedCount;
    return n;
  }
}
