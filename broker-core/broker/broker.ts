/**
 * createBroker: the public broker. One BrokerCore owns all state on the event loop; this file
 * wires it to listeners, timers (keepalive sweep, $SYS), the inline client and the persistence
 * lifecycle (load at start, flush and close at shutdown).
 *
 * Without `options.persistence` nothing is persisted (state lives only as long as the process):
 * the memory persistence would only duplicate what the broker already holds.
 */

import type { Broker, BrokerEvents, BrokerOptions, BrokerStats, ClientInfo, InlineClient, ListenOptions, ListenResult } from '../api.js';
import type { Persistence, RetainedRecord } from '../persistence/persistence.js';
import { validateTopicFilter, validateTopicName } from '../topics/validate.js';
import { listenTcp } from '../transport/tcp.js';
import { listenWs } from '../transport/ws.js';
import type { AcceptConnection, ListenerHandle } from '../transport/listener.js';
import { SysPublisher } from '../sys/sys-publisher.js';
import { BrokerCore } from './core.js';
import { Connection } from './connection.js';
import { createInlineClient } from './inline-client.js';
import { COUNTERS_SAVE_MS, DEFAULT_SYS_INTERVAL, resolveLimits, SWEEP_INTERVAL_MS } from './limits.js';
import { counterRecords, restoreState } from './restore.js';
import { route } from './router.js';

export const BROKER_VERSION = 'fleetwatch 0.1.0';
const SYS_SOURCE = { publisherId: '$SYS', from: undefined, isWill: false };

class FleetwatchBroker implements Broker {
  readonly inline: InlineClient;
  private readonly core: BrokerCore;
  private readonly persistence: Persistence | undefined;
  private readonly sys: SysPublisher;
  private readonly listeners: ListenerHandle[] = [];
  private sweepTimer: NodeJS.Timeout | undefined = undefined;
  private countersTimer: NodeJS.Timeout | undefined = undefined;
  private starting: Promise<void> | undefined = undefined;
  private closing: Promise<void> | undefined = undefined;

  constructor(options: BrokerOptions) {
    this.persistence = options.persistence;
    this.core = new BrokerCore({
      limits: resolveLimits(options.limits),
      persistence: options.persistence,
      authenticate: options.authenticate,
      now: options.now ?? Date.now,
    });
    this.inline = createInlineClient(this.core);
    this.sys = new SysPublisher(options.sysInterval ?? DEFAULT_SYS_INTERVAL, BROKER_VERSION, () => this.stats(), (topicName, value) => {
      route(this.core, topicName, Buffer.from(value), 0, true, SYS_SOURCE);
    });
  }

  start(): Promise<void> {
    return (this.starting ??= this.load());
  }

  private async load(): Promise<void> {
    if (this.persistence !== undefined) restoreState(this.core, await this.persistence.load());
    this.sweepTimer = setInterval(() => this.core.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    if (this.persistence !== undefined) {
      // cumulative counters survive a crash up to the last save
      this.countersTimer = setInterval(() => this.core.sync.putCounters(counterRecords(this.core)), COUNTERS_SAVE_MS);
      this.countersTimer.unref();
    }
    this.sys.start();
    this.core.flush();
  }

  async listen(opts: ListenOptions): Promise<ListenResult> {
    if (this.closing !== undefined) throw new Error('the broker is closed');
    await this.start();
    const accept: AcceptConnection = (wire) => this.accept(wire);
    const result: ListenResult = {};
    if (opts.tcp !== undefined) {
      const handle = await listenTcp(opts.tcp.host ?? '0.0.0.0', opts.tcp.port, accept);
      this.listeners.push(handle);
      result.tcp = { host: handle.host, port: handle.port };
    }
    if (opts.ws !== undefined) {
      // a WebSocket message may hold a whole packet plus its fixed header
      const maxPayload = this.core.limits.maxPacketSize + 5;
      const handle = await listenWs(opts.ws.host ?? '0.0.0.0', opts.ws.port, { maxPayload }, accept);
      this.listeners.push(handle);
      result.ws = { host: handle.host, port: handle.port };
    }
    return result;
  }

  private accept(wire: ConstructorParameters<typeof Connection>[1]): Connection | undefined {
    const core = this.core;
    if (this.closing !== undefined) return undefined;
    if (core.connections.size >= core.limits.maxConnections) {
      core.counters.connectionsRefused++;
      return undefined;
    }
    const conn = new Connection(core, wire);
    core.connections.add(conn);
    return conn;
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const closed = Promise.all(this.listeners.map((l) => l.close()));
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    if (this.countersTimer !== undefined) clearInterval(this.countersTimer);
    this.sys.stop();
    // The connections end without DISCONNECT, so their wills are published [MQTT-3.1.2-8].
    for (const conn of [...this.core.connections]) conn.close('server-shutdown');
    this.core.flush();
    await closed;
    const persistence = this.persistence;
    if (persistence !== undefined) {
      try {
        await persistence.putCounters(counterRecords(this.core));
        await persistence.flush();
      } finally {
        await persistence.close();
      }
    }
  }

  stats(): BrokerStats {
    const core = this.core;
    const c = core.counters;
    const now = core.now();
    return {
      startedAt: core.startedAt,
      uptimeSeconds: Math.floor((now - core.startedAt) / 1000),
      clientsConnected: c.clientsConnected,
      clientsMaximum: c.clientsMaximum,
      clientsTotal: core.sessions.size,
      messagesReceived: c.messagesReceived,
      messagesSent: c.messagesSent,
      publishReceived: c.publishReceived,
      publishSent: c.publishSent,
      publishDropped: c.publishDropped,
      bytesReceived: c.bytesReceived,
      bytesSent: c.bytesSent,
      retainedCount: core.retained.size,
      subscriptionsCount: core.index.size,
      inflightCount: core.inflightCount,
      queuedCount: core.queuedCount,
      connectionsRefused: c.connectionsRefused,
    };
  }

  clients(): ClientInfo[] {
    const out: ClientInfo[] = [];
    for (const conn of this.core.connections) if (conn.isConnected) out.push(conn.clientInfo());
    return out;
  }

  retainedCount(): number {
    return this.core.retained.size;
  }

  on<E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): () => void {
    return this.core.events.on(event, listener);
  }

  retained(filter?: string): RetainedRecord[] {
    let entries;
    if (filter !== undefined) {
      const problem = validateTopicFilter(filter);
      if (problem !== undefined) throw new TypeError(`retained(): ${problem}`);
      entries = this.core.retained.match(filter);
    } else {
      entries = [...this.core.retained.all()];
    }
    return entries.map(({ topicName, payload, qos, storedAt, publisherId }) => ({ topicName, payload, qos, storedAt, publisherId }));
  }

  async clearRetained(topicName: string): Promise<void> {
    if (this.core.retained.delete(topicName)) await this.core.sync.deleteRetained(topicName);
  }

  async restoreRetained(record: RetainedRecord): Promise<void> {
    const problem = validateTopicName(record.topicName);
    if (problem !== undefined) throw new TypeError(`restoreRetained(): ${problem}`);
    if (record.payload.length === 0) throw new TypeError('restoreRetained(): a retained message has a payload');
    const source = { publisherId: record.publisherId, from: undefined, isWill: false };
    const routed = route(this.core, record.topicName, Uint8Array.prototype.slice.call(record.payload), record.qos, true, source);
    const entry = this.core.retained.get(record.topicName);
    if (entry === undefined) {
      await routed;
      return;
    }
    // route() stamped "now"; the undo keeps the true store time, written after the routed copy.
    entry.storedAt = record.storedAt;
    await Promise.all([routed, this.core.sync.putRetained(entry)]);
  }
}

export function createBroker(options: BrokerOptions = {}): Broker {
  return new FleetwatchBroker(options);
}
