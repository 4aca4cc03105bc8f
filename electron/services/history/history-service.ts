/**
 * The history service: owns the recorded series, their files and their periods.
 *
 * Layout of `<dataDir>/history/`:
 *   series.db            nedb: the series catalog (catalog.ts)
 *   events.db            nedb: offline/sleeping periods, restart markers, heartbeat (periods.ts)
 *   series/<id>/*.bin    binary segment files per tier and UTC day/month (segment-file.ts)
 *
 * Every file operation runs through one queue (`#io`), so flushes, prunes and reads never
 * interleave. Nothing here runs on the broker's hot path except `ingest` (recorder.ts).
 */

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublishedMessage } from '../../../broker-core/index.js';
import type { ChartsCountersDto, ChartsLiveDto, ChartsStatusDto, HistoryDto, RestartMarkerDto, SeriesHistoryDto, SeriesRefDto } from '../../contract/charts.js';
import { NedbCollection } from '../../persistence/nedb-collection.js';
import type { Bucket } from './buckets.js';
import { Catalog, isSeriesDoc, seriesKey, type SeriesDoc } from './catalog.js';
import { DEFAULT_HISTORY_LIMITS, type HistoryLimits } from './limits.js';
import { isEventDoc, PeriodTracker, type EventDoc } from './periods.js';
import { readValues } from './query.js';
import { Recorder, type IngestCounters } from './recorder.js';
import { BUCKET_MS, PartialWriteError, SeriesFiles, type FileProblem } from './series-files.js';
import { SeriesState } from './series-state.js';
import type { RawPoints } from './segment-file.js';
import { toLimitsDto } from './limits-dto.js';

export const MAX_PROBLEMS = 20;

export interface HistoryServiceOptions {
  /** `<dataDir>/history` */
  dir: string;
  limits?: Partial<HistoryLimits>;
  now?: () => number;
  /** told about every damaged file (log it, notify the user) */
  onProblem?: (message: string) => void;
}

export class TooManySeriesError extends Error {}

interface Counters extends IngestCounters {
  writeErrors: number;
}

export class HistoryService {
  readonly limits: HistoryLimits;
  readonly now: () => number;
  readonly started: RestartMarkerDto;
  readonly #dir: string;
  readonly #catalog: Catalog;
  readonly #periods: PeriodTracker;
  readonly #events: NedbCollection<EventDoc>;
  readonly #seriesDb: NedbCollection<SeriesDoc>;
  readonly #recorder: Recorder;
  readonly #files = new Map<string, SeriesFiles>();
  readonly #counters: Counters = { recorded: 0, thinned: 0, notNumeric: 0, tooLarge: 0, writeShed: 0, writeErrors: 0, liveShed: 0 };
  readonly #problems: string[] = [];
  readonly #onProblem: (message: string) => void;
  #io: Promise<unknown> = Promise.resolve();
  #closed = false;
  #lastHeartbeat = -Infinity;

  private constructor(parts: {
    dir: string;
    limits: HistoryLimits;
    now: () => number;
    onProblem: (message: string) => void;
    seriesDb: NedbCollection<SeriesDoc>;
    seriesDocs: SeriesDoc[];
    events: NedbCollection<EventDoc>;
    periods: PeriodTracker;
    started: RestartMarkerDto;
  }) {
    this.#dir = parts.dir;
    this.limits = parts.limits;
    this.now = parts.now;
    this.#onProblem = parts.onProblem;
    this.#seriesDb = parts.seriesDb;
    this.#catalog = new Catalog(parts.seriesDb, parts.seriesDocs);
    this.#events = parts.events;
    this.#periods = parts.periods;
    this.started = parts.started;
    this.#recorder = new Recorder(this.limits, this.#counters, (state) => {
      const { key } = state.id;
      const publisher = state.publisherId;
      if (publisher !== null) this.#enqueue(() => this.#catalog.setPublisher(key, publisher));
    });
  }

  static async open(options: HistoryServiceOptions): Promise<HistoryService> {
    const limits = { ...DEFAULT_HISTORY_LIMITS, ...options.limits };
    const now = options.now ?? Date.now;
    const onProblem = options.onProblem ?? (() => undefined);
    await mkdir(join(options.dir, 'series'), { recursive: true });
    const problems: string[] = [];
    const seriesOpen = await NedbCollection.open(options.dir, 'series.db', isSeriesDoc);
    const eventsOpen = await NedbCollection.open(options.dir, 'events.db', isEventDoc);
    for (const p of [...seriesOpen.problems, ...eventsOpen.problems]) problems.push(`history: ${p.message}`);
    let service: HistoryService | null = null;
    // Period writes join the file queue; none happen before the service exists (start() awaits its own).
    const periods = new PeriodTracker(eventsOpen.collection, limits, (work) => {
      if (service) void service.#enqueue(work).catch(() => undefined);
    });
    const started = await periods.start(eventsOpen.docs, now());
    service = new HistoryService({
      dir: options.dir,
      limits,
      now,
      onProblem,
      seriesDb: seriesOpen.collection,
      seriesDocs: seriesOpen.docs,
      events: eventsOpen.collection,
      periods,
      started,
    });
    for (const p of problems) service.#problem(p);
    return service;
  }

  #problem(message: string): void {
    this.#problems.push(message);
    if (this.#problems.length > MAX_PROBLEMS) this.#problems.shift();
    this.#onProblem(message);
  }

  #fileProblem = (p: FileProblem): void => this.#problem(`history: ${p.message}`);

  /** Runs file work in order; a failure is counted and reported, and the queue goes on. */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#io.then(work);
    this.#io = run.catch((err: unknown) => {
      this.#counters.writeErrors++;
      this.#problem(`history: file work failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    return run;
  }

  #filesOf(doc: SeriesDoc): SeriesFiles {
    let f = this.#files.get(doc._id);
    if (!f) this.#files.set(doc._id, (f = new SeriesFiles(join(this.#dir, 'series', doc._id), this.#fileProblem)));
    return f;
  }

  /**
   * The series to record from now on (everything on a saved chart). New ones enter the catalog;
   * ones no longer charted stop recording and keep their history until retention removes it.
   */
  async setCharted(refs: readonly SeriesRefDto[]): Promise<void> {
    const wanted = new Map<string, SeriesRefDto>();
    for (const r of refs) wanted.set(seriesKey(r.topicName, r.path), r);
    if (wanted.size > this.limits.maxSeries) {
      throw new TooManySeriesError(`at most ${this.limits.maxSeries} different values can be charted at once (asked for ${wanted.size})`);
    }
    await this.#enqueue(async () => {
      const states: SeriesState[] = [];
      for (const [key, ref] of wanted) {
        const existing = this.#recorder.get(key);
        if (existing) {
          states.push(existing);
          continue;
        }
        if (!this.#catalog.get(key)) await this.#makeRoom(wanted);
        const doc = await this.#catalog.add(ref.topicName, ref.path, this.now());
        states.push(new SeriesState({ key, topicName: doc.topicName, path: doc.path, fileId: doc._id }, doc.publisherId, this.limits, this.#counters));
      }
      const dropped = [...this.#recorder.states()].filter((s) => !wanted.has(s.id.key));
      this.#recorder.setSeries(states);
      // What the dropped series gathered so far is still written.
      for (const s of dropped) await this.#write(s, true);
    });
  }

  /** Keeps the catalog within maxCatalog: forgets the oldest series nobody charts (history deleted, reported). */
  async #makeRoom(wanted: ReadonlyMap<string, SeriesRefDto>): Promise<void> {
    const candidates = this.#catalog
      .all()
      .filter((d) => !wanted.has(d.key) && !this.#recorder.get(d.key))
      .sort((a, b) => a.createdAt - b.createdAt);
    while (this.#catalog.size >= this.limits.maxCatalog) {
      const victim = candidates.shift();
      if (!victim) return;
      await this.#forget(victim);
      this.#problem(`history: the history of ${victim.topicName}${victim.path.length ? ` › ${victim.path.join('.')}` : ''} was deleted to stay within ${this.limits.maxCatalog} stored series`);
    }
  }

  async #forget(doc: SeriesDoc): Promise<void> {
    await this.#catalog.remove(doc.key);
    this.#files.delete(doc._id);
    await rm(join(this.#dir, 'series', doc._id), { recursive: true, force: true });
  }

  recordingKeys(): string[] {
    return [...this.#recorder.states()].map((s) => s.id.key);
  }

  ingest(msg: PublishedMessage): void {
    if (!this.#closed) this.#recorder.ingest(msg);
  }

  clientConnected(clientId: string, at: number): void {
    if (this.#recorder.watches(clientId)) this.#periods.connected(clientId, at);
  }

  clientDisconnected(clientId: string, reason: string, at: number): void {
    // A broker shutting down is not a device going offline; the next start's restart marker tells it.
    if (reason === 'server-shutdown') return;
    if (this.#recorder.watches(clientId)) this.#periods.disconnected(clientId, reason, at);
  }

  presence(clientId: string, status: 'offline' | 'sleeping' | 'online', at: number, reason: string | null): void {
    if (this.#recorder.watches(clientId)) this.#periods.presence(clientId, status, at, reason);
  }

  async #write(s: SeriesState, closeOpen: boolean): Promise<void> {
    if (!closeOpen && !s.hasPending()) return;
    const doc = this.#catalog.get(s.id.key);
    if (!doc) return;
    const p = s.takePending(closeOpen);
    if (p.raw.t.length + p.minute.length + p.quarter.length === 0) return;
    const files = this.#filesOf(doc);
    try {
      await mkdir(files.dir, { recursive: true });
      // Each tier is dropped from `p` once written, and a failed append is cut back to its old
      // length, so a failure puts back only what is not on disk: no value is written twice.
      if (p.raw.t.length > 0) await files.appendRaw(p.raw).catch(keep((rest: RawPoints) => (p.raw = rest)));
      p.raw = { t: [], v: [] };
      if (p.minute.length > 0) await files.appendBuckets('1m', p.minute).catch(keep((rest: Bucket[]) => (p.minute = rest)));
      p.minute = [];
      if (p.quarter.length > 0) await files.appendBuckets('15m', p.quarter).catch(keep((rest: Bucket[]) => (p.quarter = rest)));
      p.quarter = [];
    } catch (err) {
      // Kept for the next flush, still within maxPendingPoints.
      s.restorePending(p);
      throw err;
    }
  }

  /** Appends what is pending (the flush timer calls this). */
  flush(): Promise<void> {
    return this.#enqueue(async () => {
      for (const s of this.#recorder.states()) await this.#write(s, false);
      const now = this.now();
      if (now - this.#lastHeartbeat >= this.limits.heartbeatIntervalMs) {
        this.#lastHeartbeat = now;
        await this.#periods.heartbeat(now);
      }
    });
  }

  /** Applies retention: removes whole files older than their tier keeps, and forgotten series. */
  prune(): Promise<void> {
    return this.#enqueue(async () => {
      const now = this.now();
      const cutoff = { raw: now - this.limits.rawRetentionMs, '1m': now - this.limits.minuteRetentionMs, '15m': now - this.limits.quarterRetentionMs };
      for (const doc of this.#catalog.all()) {
        const remaining = await this.#filesOf(doc).prune(cutoff);
        if (remaining === 0 && !this.#recorder.get(doc.key)) await this.#forget(doc);
      }
      this.#periods.prune(cutoff['15m']);
    });
  }

  async history(keys: readonly string[], from: number, to: number, maxPoints: number): Promise<HistoryDto> {
    const series = await this.#enqueue(async () => {
      const out: SeriesHistoryDto[] = [];
      for (const key of keys) out.push(await this.#seriesHistory(key, from, to, maxPoints));
      return out;
    });
    return { from, to, series, restarts: this.#periods.restarts(from, to) };
  }

  async #seriesHistory(key: string, from: number, to: number, maxPoints: number): Promise<SeriesHistoryDto> {
    const doc = this.#catalog.get(key);
    const state = this.#recorder.get(key);
    const publisherId = state?.publisherId ?? doc?.publisherId ?? null;
    const periods = this.#periods.periodsOf(publisherId, from, to);
    if (!doc) return { key, tier: 'raw', bucketMs: 0, t: [], v: [], min: [], max: [], count: [], publisherId, periods };
    const files = this.#filesOf(doc);
    const unwritten = state?.unwritten();
    const inRange = (b: Bucket, width: number): boolean => b.start + width > from && b.start <= to;
    const values = await readValues(
      {
        raw: async () => {
          const stored = await files.readRaw(from, to);
          return withUnwritten(stored, unwritten?.raw, from, to);
        },
        buckets: async (tier) => {
          const stored = await files.readBuckets(tier, from, to);
          const mem = tier === '1m' ? unwritten?.minute : unwritten?.quarter;
          return [...stored, ...(mem ?? []).filter((b) => inRange(b, BUCKET_MS[tier]))];
        },
      },
      from,
      to,
      maxPoints,
      this.now(),
      this.limits,
    );
    return { key, ...values, publisherId, periods };
  }

  /** Values and period changes since the last call, or null when nothing happened. */
  takeLive(): ChartsLiveDto | null {
    const points = [];
    for (const s of this.#recorder.states()) {
      const live = s.takeLive();
      if (live) points.push({ key: s.id.key, ...live });
    }
    const periods = this.#periods.takeChanges();
    if (points.length === 0 && periods.length === 0) return null;
    return { at: this.now(), points, periods, liveShed: this.#counters.liveShed };
  }

  counters(): ChartsCountersDto {
    const c = this.#counters;
    return {
      recorded: c.recorded,
      thinned: c.thinned,
      notNumeric: c.notNumeric,
      tooLarge: c.tooLarge,
      writeShed: c.writeShed,
      writeErrors: c.writeErrors,
      liveShed: c.liveShed,
      periodsShed: this.#periods.shed,
    };
  }

  async status(): Promise<ChartsStatusDto> {
    const storedBytes = await this.#enqueue(async () => {
      let total = 0;
      for (const doc of this.#catalog.all()) total += await this.#filesOf(doc).bytes();
      return total;
    });
    return {
      recording: this.#recorder.size,
      stored: this.#catalog.size,
      storedBytes,
      counters: this.counters(),
      problems: [...this.#problems],
      limits: toLimitsDto(this.limits),
    };
  }

  /** Writes everything (open buckets included), marks the time, compacts the nedb files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#enqueue(async () => {
      for (const s of this.#recorder.states()) await this.#write(s, true);
      await this.#periods.heartbeat(this.now());
    }).catch(() => undefined);
    await this.#io;
    await this.#seriesDb.close();
    await this.#events.close();
  }
}

/** On a part-way failure, what was not written replaces what was to be written; then rethrows. */
function keep<T>(set: (rest: T) => void): (err: unknown) => never {
  return (err) => {
    if (err instanceof PartialWriteError) set(err.unwritten as T);
    throw err;
  };
}

/** Stored raw points plus those not written yet, in range (the two never overlap: see #write). */
function withUnwritten(stored: RawPoints, mem: RawPoints | undefined, from: number, to: number): RawPoints {
  if (!mem || mem.t.length === 0) return stored;
  const t = [...stored.t];
  const v = [...stored.v];
  for (let i = 0; i < mem.t.length; i++) {
    const time = mem.t[i] as number;
    if (time < from || time > to) continue;
    t.push(time);
    v.push(mem.v[i] as number);
  }
  return { t, v };
}
