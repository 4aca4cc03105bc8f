/**
 * The durable Persistence: one nedb-format file per record kind under `dir` (retained.db,
 * sessions.db, outbound.db, incoming-qos2.db, wills.db, counters.db), read and written by
 * nedb-store.ts / nedb-file.ts.
 *
 * Write path (group commit): a mutation updates the in-memory pending map of its store at
 * call time (call order = apply order; the last write per key wins) and gets a promise. One
 * writer loop takes everything pending at once and appends it — per store one append: the new
 * documents, then the deletion markers of the ids they replace or delete — then resolves every
 * promise of that batch in call order. While a batch is being written the next one accumulates,
 * so under load many acknowledgements share one append. A promise resolves after a plain append
 * (no fsync): it survives a process crash / SIGKILL, not a power loss (see ARCHITECTURE.md).
 *
 * Bounds: per live key the store keeps its id and its line; the pending map holds at most one
 * entry per key, so both are bounded by the live data set. Files stay bounded by compaction
 * (options below).
 */

import { mkdir } from 'node:fs/promises';
import type {
  CounterRecord,
  IncomingQos2Record,
  LoadedState,
  LoadProblem,
  OutboundRecord,
  Persistence,
  RetainedRecord,
  SessionRecord,
  WillRecord,
} from '../../broker-core/index.js';
import { persistenceRecords as records } from '../../broker-core/index.js';
import { counterKind, incomingQos2Kind, outboundKind, retainedKind, sessionKind, willKind } from './nedb-kinds.js';
import { NedbKeyedStore } from './nedb-store.js';

export interface NedbPersistenceOptions {
  /** data directory (created if missing) */
  dir: string;
  /** scheduled compaction of every store that changed since its last rewrite; default 10 min, 0 = off */
  compactEveryMs?: number;
  /**
   * churn compaction: a store is rewritten once the lines of its file that hold no live record
   * (replaced or deleted documents and deletion markers) exceed max(compactMinChurn, live
   * records × compactChurnRatio). Defaults 1000 and 1, so a file holds at most about twice its
   * live records plus 1000 lines.
   */
  compactMinChurn?: number;
  compactChurnRatio?: number;
  /** delay before retrying after a failed write; default 1000 ms */
  retryAfterMs?: number;
  /**
   * deleteOutboundMany (acknowledged messages: nothing waits for it) is appended with the next
   * batch or at most this long after the call; default 20 ms. A drain of 10,000 messages then
   * appends a few times instead of once per socket read (measured: ~100 appends, ~1/3 of the
   * drain's persistence CPU).
   */
  lazyWriteMs?: number;
}

export interface NedbPersistenceStats {
  /** batches written (each: one append per store that changed) */
  batches: number;
  /** promises resolved (mutations and flushes) */
  mutations: number;
  compactions: number;
  /** failed writes and compactions; the message of the last one */
  failures: number;
  lastFailure?: string;
  stores: { file: string; live: number; churn: number }[];
}

export interface NedbPersistence extends Persistence {
  stats(): NedbPersistenceStats;
  /** rewrite every file that changed since its last rewrite (also happens on a schedule and on close) */
  compact(): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export function createNedbPersistence(options: NedbPersistenceOptions): NedbPersistence {
  const compactEveryMs = options.compactEveryMs ?? 10 * 60_000;
  const compactMinChurn = options.compactMinChurn ?? 1000;
  const compactChurnRatio = options.compactChurnRatio ?? 1;
  const retryAfterMs = options.retryAfterMs ?? 1000;
  const lazyWriteMs = options.lazyWriteMs ?? 20;

  const retained = new NedbKeyedStore(retainedKind, options.dir);
  const sessions = new NedbKeyedStore(sessionKind, options.dir);
  const outbound = new NedbKeyedStore(outboundKind, options.dir);
  const incomingQos2 = new NedbKeyedStore(incomingQos2Kind, options.dir);
  const wills = new NedbKeyedStore(willKind, options.dir);
  const counters = new NedbKeyedStore(counterKind, options.dir);
  const stores = [retained, sessions, outbound, incomingQos2, wills, counters];

  let phase: 'new' | 'loading' | 'open' | 'closing' | 'closed' = 'new';
  let loading: Promise<LoadedState> | undefined;
  let waiters: Waiter[] = [];
  /** a waiter in `waiters` needs its write now (everything but lazy mutations) */
  let urgent = false;
  let lazyTimer: NodeJS.Timeout | undefined;
  let runPromise: Promise<void> | undefined;
  let scheduled = false;
  /** true from the start of run() until, in the same microtask as its last hasWork() check, it ends */
  let running = false;
  let compactRequested = false;
  /** look at the churn rule without a write (after load: files are no longer rewritten by it) */
  let compactCheck = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let compactTimer: NodeJS.Timeout | undefined;
  const stats = { batches: 0, mutations: 0, compactions: 0, failures: 0, lastFailure: undefined as string | undefined };

  const hasWork = (): boolean => waiters.length > 0 || compactRequested || compactCheck || stores.some((s) => s.hasWork);
  /** work that is written at once; lazy work alone waits for lazyTimer */
  const hasUrgentWork = (): boolean => urgent || compactRequested || compactCheck;

  function fail(message: string): void {
    stats.failures++;
    stats.lastFailure = message;
  }

  /** Writes lazy work within lazyWriteMs unless an urgent batch takes it along first. */
  function scheduleLazy(): void {
    if (lazyTimer !== undefined) return;
    lazyTimer = setTimeout(() => {
      lazyTimer = undefined;
      urgent = true;
      kick();
    }, lazyWriteMs);
    lazyTimer.unref();
  }

  function kick(): void {
    if (running || scheduled) return;
    scheduled = true;
    // setImmediate, not a microtask: gathers every mutation issued in this turn of the event loop
    setImmediate(() => {
      scheduled = false;
      running = true;
      runPromise = run();
    });
  }

  async function compactDue(): Promise<void> {
    const forced = compactRequested;
    compactRequested = false;
    for (const store of stores) {
      const due = store.churn > Math.max(compactMinChurn, store.liveCount * compactChurnRatio);
      if (!due && !(forced && store.churn > 0)) continue;
      try {
        await store.compact();
        stats.compactions++;
      } catch (err) {
        // the old file is intact (nedb rewrites via temp file + rename); try again next time
        fail(`compaction failed: ${store.describeError(err)}`);
      }
    }
  }

  /** Rewrites every store with churn now (each store orders this after any write in progress). */
  async function compactChanged(): Promise<void> {
    for (const store of stores) {
      if (store.churn === 0) continue;
      try {
        await store.compact();
        stats.compactions++;
      } catch (err) {
        fail(`compaction failed: ${store.describeError(err)}`);
      }
    }
  }

  /**
   * The writer loop. `running` is cleared in the same microtask as the hasWork() check that
   * ends the loop: a waiter queued one microtask later finds running false and kicks a new run.
   */
  async function run(): Promise<void> {
    for (;;) {
      if (!hasUrgentWork()) {
        if (hasWork()) scheduleLazy();
        break;
      }
      let written: boolean;
      try {
        written = await writeBatch();
      } catch (err) {
        fail(`writer: ${err instanceof Error ? err.message : String(err)}`);
        written = false;
      }
      if (!written) break;
    }
    running = false;
  }

  /** Writes one batch; false when it failed (its waiters are rejected and a retry is scheduled). */
  async function writeBatch(): Promise<boolean> {
    const batch = waiters;
    waiters = [];
    urgent = false;
    const results = await Promise.allSettled(stores.map((s) => (s.hasWork ? s.writePending() : undefined)));
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed >= 0) {
      const reason = (results[failed] as PromiseRejectedResult).reason;
      fail(`write failed: ${stores[failed]!.describeError(reason)}`);
      for (const w of batch) w.reject(reason);
      if (retryTimer === undefined && phase === 'open') {
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          urgent = true;
          if (phase === 'open') kick();
        }, retryAfterMs);
        retryTimer.unref();
      }
      return false;
    }
    stats.batches++;
    stats.mutations += batch.length;
    for (const w of batch) w.resolve();
    compactCheck = false;
    await compactDue();
    return true;
  }

  function enqueue(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      waiters.push({ resolve, reject });
      urgent = true;
      kick();
    });
  }

  function enqueueLazy(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      waiters.push({ resolve, reject });
      if (!running && !scheduled) scheduleLazy();
    });
  }

  function mutate(apply: () => void, lazy = false): Promise<void> {
    if (phase !== 'open') {
      return Promise.reject(new Error(phase === 'new' || phase === 'loading' ? 'persistence is not loaded yet: call load() first' : 'persistence is closed'));
    }
    apply();
    return lazy ? enqueueLazy() : enqueue();
  }

  /** Resolves when everything mutated so far is appended (or rejects with the write error). */
  async function drain(): Promise<void> {
    if (hasWork() || running || scheduled) await enqueue();
  }

  function sortedOutbound(list: OutboundRecord[]): OutboundRecord[] {
    return list.sort(records.compareOutbound);
  }

  async function firstLoad(): Promise<LoadedState> {
    await mkdir(options.dir, { recursive: true });
    const [r, s, o, q, w, c] = await Promise.all([retained.open(), sessions.open(), outbound.open(), incomingQos2.open(), wills.open(), counters.open()]);
    const problems: LoadProblem[] = [r, s, o, q, w, c].flatMap((x) => x.problems);

    // [port rule] outbound / inbound QoS 2 records without their session are stale leftovers
    const clientIds = new Set(s.records.map((x) => x.clientId));
    const ownedOutbound = o.records.filter((x) => clientIds.has(x.clientId));
    const ownedQos2 = q.records.filter((x) => clientIds.has(x.clientId));
    for (const x of o.records) if (!clientIds.has(x.clientId)) outbound.deleteOwnedBy(x.clientId);
    for (const x of q.records) if (!clientIds.has(x.clientId)) incomingQos2.deleteOwnedBy(x.clientId);
    const orphans = o.records.length - ownedOutbound.length + (q.records.length - ownedQos2.length);
    if (orphans > 0 && s.problems.length > 0) {
      problems.push({ store: sessionKind.file, message: `${orphans} queued/in-flight records belonged to sessions that could not be read and were dropped` });
    }

    if (phase !== 'loading') return { retained: [], sessions: [], outbound: [], incomingQos2: [], wills: [], counters: [], problems }; // closed meanwhile
    phase = 'open';
    // after the waiters of this first batch resolve, files whose churn is due are compacted in the background
    compactCheck = true;
    if (compactEveryMs > 0) {
      compactTimer = setInterval(() => {
        compactRequested = true;
        kick();
      }, compactEveryMs);
      compactTimer.unref();
    }
    await drain();
    return { retained: r.records, sessions: s.records, outbound: sortedOutbound(ownedOutbound), incomingQos2: ownedQos2, wills: w.records, counters: c.records, problems };
  }

  return {
    load(): Promise<LoadedState> {
      if (phase === 'closing' || phase === 'closed') return Promise.reject(new Error('persistence is closed'));
      if (phase === 'open') {
        return drain().then(() => ({
          retained: retained.currentRecords(),
          sessions: sessions.currentRecords(),
          outbound: sortedOutbound(outbound.currentRecords()),
          incomingQos2: incomingQos2.currentRecords(),
          wills: wills.currentRecords(),
          counters: counters.currentRecords(),
          problems: [],
        }));
      }
      if (loading === undefined) {
        phase = 'loading';
        loading = firstLoad();
        // once open, later load() calls answer from memory: do not keep the first state alive
        loading.then(
          () => {
            if (phase === 'open') loading = undefined;
          },
          () => undefined,
        );
      }
      return loading;
    },

    putRetained: (record: RetainedRecord) => mutate(() => retained.put(record)),
    deleteRetained: (topicName: string) => mutate(() => retained.delete(topicName)),

    putSession: (record: SessionRecord) => mutate(() => sessions.put(record)),
    deleteSession: (clientId: string) =>
      mutate(() => {
        sessions.delete(clientId);
        outbound.deleteOwnedBy(clientId);
        incomingQos2.deleteOwnedBy(clientId);
      }),

    putOutbound: (record: OutboundRecord) => mutate(() => outbound.put(record)),
    deleteOutbound: (clientId: string, seq: number) => mutate(() => outbound.delete(seq, clientId)),
    deleteOutboundMany: (clientId: string, seqs: readonly number[]) => mutate(() => outbound.deleteMany(clientId, seqs), true),

    putIncomingQos2: (record: IncomingQos2Record) => mutate(() => incomingQos2.put(record)),
    deleteIncomingQos2: (clientId: string, packetId: number) =>
      mutate(() => incomingQos2.delete(packetId, clientId)),

    putWill: (record: WillRecord) => mutate(() => wills.put(record)),
    deleteWill: (clientId: string) => mutate(() => wills.delete(clientId)),

    putCounters: (list: CounterRecord[]) =>
      mutate(() => {
        for (const c of list) counters.put(c);
      }),

    flush(): Promise<void> {
      if (phase === 'closing' || phase === 'closed') return Promise.reject(new Error('persistence is closed'));
      return phase === 'open' ? drain() : Promise.resolve();
    },

    async compact(): Promise<void> {
      if (phase !== 'open') throw new Error('persistence is not open');
      await drain();
      await compactChanged();
    },

    async close(): Promise<void> {
      if (phase === 'closed' || phase === 'closing') return;
      const wasOpen = phase === 'open';
      phase = 'closing';
      clearInterval(compactTimer);
      clearTimeout(retryTimer);
      clearTimeout(lazyTimer);
      lazyTimer = undefined;
      retryTimer = undefined;
      try {
        if (wasOpen) {
          await drain();
          await runPromise;
          await compactChanged();
        } else if (loading !== undefined) {
          await loading.catch(() => undefined);
        }
      } finally {
        await Promise.all(stores.map((s) => s.release()));
        phase = 'closed';
      }
    },

    stats(): NedbPersistenceStats {
      const out: NedbPersistenceStats = {
        batches: stats.batches,
        mutations: stats.mutations,
        compactions: stats.compactions,
        failures: stats.failures,
        stores: stores.map((s) => ({ file: s.kind.file, live: s.liveCount, churn: s.churn })),
      };
      if (stats.lastFailure !== undefined) out.lastFailure = stats.lastFailure;
      return out;
    },
  };
}
