/**
 * In-memory Persistence: the reference implementation of the port, used by broker tests and
 * by a broker started without a data directory. Nothing survives the process; a MemoryStore
 * passed to several instances emulates "restart while memory is kept" so the shared contract
 * suite can exercise reopen() against it too.
 *
 * Every mutation is applied at call time (so call order is apply order) and its promise
 * resolves on the next microtask. Records are deep-copied in and out.
 */

import type {
  CounterRecord,
  IncomingQos2Record,
  LoadedState,
  OutboundRecord,
  Persistence,
  RetainedRecord,
  SessionRecord,
  WillRecord,
} from './persistence.js';
import {
  compareOutbound,
  copyCounter,
  copyIncomingQos2,
  copyOutbound,
  copyRetained,
  copySession,
  copyWill,
  incomingQos2Key,
  outboundKey,
} from './records.js';

/** The backing maps. Opaque to callers: create with createMemoryStore(). */
export interface MemoryStore {
  readonly retained: Map<string, RetainedRecord>;
  readonly sessions: Map<string, SessionRecord>;
  /** clientId → key → record */
  readonly outbound: Map<string, Map<string, OutboundRecord>>;
  /** clientId → key → record */
  readonly incomingQos2: Map<string, Map<string, IncomingQos2Record>>;
  readonly wills: Map<string, WillRecord>;
  readonly counters: Map<string, CounterRecord>;
}

export function createMemoryStore(): MemoryStore {
  return {
    retained: new Map(),
    sessions: new Map(),
    outbound: new Map(),
    incomingQos2: new Map(),
    wills: new Map(),
    counters: new Map(),
  };
}

export interface MemoryPersistenceOptions {
  /** share one store between instances to emulate a restart that keeps memory */
  store?: MemoryStore;
}

function ownedBy<T>(map: Map<string, Map<string, T>>, clientId: string): Map<string, T> {
  let owned = map.get(clientId);
  if (!owned) {
    owned = new Map();
    map.set(clientId, owned);
  }
  return owned;
}

export function createMemoryPersistence(options: MemoryPersistenceOptions = {}): Persistence {
  const store = options.store ?? createMemoryStore();
  let phase: 'new' | 'open' | 'closed' = 'new';

  /** Runs a mutation now (call order = apply order); rejects outside load()…close(). */
  function mutate(apply: () => void): Promise<void> {
    if (phase !== 'open') return Promise.reject(new Error(`persistence is ${phase === 'new' ? 'not loaded yet: call load() first' : 'closed'}`));
    apply();
    return Promise.resolve();
  }

  function dropOrphans(): void {
    // A session's outbound and inbound-QoS-2 records without the session are stale by the
    // port's rule (deleteSession cascades); a durable store can hold them after a crash.
    for (const map of [store.outbound, store.incomingQos2] as Map<string, Map<string, unknown>>[]) {
      for (const clientId of map.keys()) if (!store.sessions.has(clientId)) map.delete(clientId);
    }
  }

  return {
    load(): Promise<LoadedState> {
      if (phase === 'closed') return Promise.reject(new Error('persistence is closed'));
      phase = 'open';
      dropOrphans();
      const outbound: OutboundRecord[] = [];
      for (const owned of store.outbound.values()) for (const r of owned.values()) outbound.push(copyOutbound(r));
      outbound.sort(compareOutbound);
      const incomingQos2: IncomingQos2Record[] = [];
      for (const owned of store.incomingQos2.values()) for (const r of owned.values()) incomingQos2.push(copyIncomingQos2(r));
      return Promise.resolve({
        retained: [...store.retained.values()].map(copyRetained),
        sessions: [...store.sessions.values()].map(copySession),
        outbound,
        incomingQos2,
        wills: [...store.wills.values()].map(copyWill),
        counters: [...store.counters.values()].map(copyCounter),
        problems: [],
      });
    },

    putRetained: (record) => mutate(() => store.retained.set(record.topicName, copyRetained(record))),
    deleteRetained: (topicName) => mutate(() => store.retained.delete(topicName)),

    putSession: (record) => mutate(() => store.sessions.set(record.clientId, copySession(record))),
    deleteSession: (clientId) =>
      mutate(() => {
        store.sessions.delete(clientId);
        store.outbound.delete(clientId);
        store.incomingQos2.delete(clientId);
      }),

    putOutbound: (record) =>
      mutate(() => ownedBy(store.outbound, record.clientId).set(outboundKey(record.clientId, record.seq), copyOutbound(record))),
    deleteOutbound: (clientId, seq) => mutate(() => store.outbound.get(clientId)?.delete(outboundKey(clientId, seq))),
    deleteOutboundMany: (clientId, seqs) =>
      mutate(() => {
        const owned = store.outbound.get(clientId);
        if (owned !== undefined) for (const seq of seqs) owned.delete(outboundKey(clientId, seq));
      }),

    putIncomingQos2: (record) =>
      mutate(() =>
        ownedBy(store.incomingQos2, record.clientId).set(incomingQos2Key(record.clientId, record.packetId), copyIncomingQos2(record)),
      ),
    deleteIncomingQos2: (clientId, packetId) =>
      mutate(() => store.incomingQos2.get(clientId)?.delete(incomingQos2Key(clientId, packetId))),

    putWill: (record) => mutate(() => store.wills.set(record.clientId, copyWill(record))),
    deleteWill: (clientId) => mutate(() => store.wills.delete(clientId)),

    putCounters: (records) =>
      mutate(() => {
        for (const r of records) store.counters.set(r.name, copyCounter(r));
      }),

    flush: () => (phase === 'closed' ? Promise.reject(new Error('persistence is closed')) : Promise.resolve()),
    close(): Promise<void> {
      phase = 'closed';
      return Promise.resolve();
    },
  };
}
