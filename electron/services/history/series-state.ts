/**
 * One recorded series in memory: its open 1-minute and 15-minute buckets, what waits to be
 * written, and what waits to be sent live. Both bucket tiers are computed as values arrive
 * (every value counts, including those thinned out of the raw tier), so downsampling never
 * re-reads raw data and is exact.
 */

import { addValue, bucketStart, newBucket, type Bucket } from './buckets.js';
import type { HistoryLimits } from './limits.js';
import { MINUTE_MS, QUARTER_MS } from './limits.js';
import type { RawPoints } from './segment-file.js';

export interface SeriesIdentity {
  key: string;
  topicName: string;
  path: string[];
  /** directory name of its segment files */
  fileId: string;
}

export interface Pending {
  raw: RawPoints;
  minute: Bucket[];
  quarter: Bucket[];
}

export interface RecordCounters {
  recorded: number;
  thinned: number;
  writeShed: number;
  liveShed: number;
}

function emptyPending(): Pending {
  return { raw: { t: [], v: [] }, minute: [], quarter: [] };
}

/** Adds `value` to the open bucket of its slot; a late value becomes a bucket of its own (merged on read). */
function accumulate(open: Bucket | null, width: number, at: number, value: number, closed: Bucket[]): Bucket {
  const start = bucketStart(at, width);
  if (open && open.start === start) {
    addValue(open, value);
    return open;
  }
  if (open && start < open.start) {
    closed.push(newBucket(start, value));
    return open;
  }
  if (open) closed.push(open);
  return newBucket(start, value);
}

export class SeriesState {
  publisherId: string | null;
  /** time of the last value kept raw */
  #lastRawAt = -Infinity;
  #minute: Bucket | null = null;
  #quarter: Bucket | null = null;
  #pending: Pending = emptyPending();
  #live: RawPoints = { t: [], v: [] };
  #livePublisher = '';

  constructor(
    readonly id: SeriesIdentity,
    publisherId: string | null,
    private readonly limits: HistoryLimits,
    private readonly counters: RecordCounters,
  ) {
    this.publisherId = publisherId;
  }

  add(at: number, value: number, publisherId: string): void {
    this.counters.recorded++;
    if (at - this.#lastRawAt >= this.limits.rawMinSpacingMs) {
      this.#pending.raw.t.push(at);
      this.#pending.raw.v.push(value);
      this.#lastRawAt = at;
    } else {
      this.counters.thinned++;
    }
    this.#minute = accumulate(this.#minute, MINUTE_MS, at, value, this.#pending.minute);
    this.#quarter = accumulate(this.#quarter, QUARTER_MS, at, value, this.#pending.quarter);
    this.#shedPending();
    this.#live.t.push(at);
    this.#live.v.push(value);
    this.#livePublisher = publisherId;
    // Trimmed in chunks (amortised O(1) per value); takeLive cuts to the exact bound.
    if (this.#live.t.length >= 4 * this.limits.maxLivePointsPerSeries) this.#trimLive();
  }

  /** Keeps the newest maxLivePointsPerSeries live values, counting the rest as shed. */
  #trimLive(): void {
    const over = this.#live.t.length - this.limits.maxLivePointsPerSeries;
    if (over <= 0) return;
    this.#live.t.splice(0, over);
    this.#live.v.splice(0, over);
    this.counters.liveShed += over;
  }

  /** Over the bound (the disk is not keeping up): the oldest raw points go first; buckets hold their values. */
  #shedPending(): void {
    const p = this.#pending;
    let over = p.raw.t.length + p.minute.length + p.quarter.length - this.limits.maxPendingPoints;
    if (over <= 0) return;
    const fromRaw = Math.min(over, p.raw.t.length);
    p.raw.t.splice(0, fromRaw);
    p.raw.v.splice(0, fromRaw);
    over -= fromRaw;
    const fromMinute = Math.min(over, p.minute.length);
    p.minute.splice(0, fromMinute);
    over -= fromMinute;
    p.quarter.splice(0, over);
    this.counters.writeShed += fromRaw + fromMinute + Math.max(0, over);
  }

  /** What the next flush writes; the open buckets too when `closeOpen` (on stop). */
  takePending(closeOpen = false): Pending {
    const p = this.#pending;
    this.#pending = emptyPending();
    if (closeOpen) {
      if (this.#minute) p.minute.push(this.#minute);
      if (this.#quarter) p.quarter.push(this.#quarter);
      this.#minute = null;
      this.#quarter = null;
    }
    return p;
  }

  /** A failed write goes back in front of what arrived meanwhile (still bounded). */
  restorePending(p: Pending): void {
    const now = this.#pending;
    this.#pending = {
      raw: { t: [...p.raw.t, ...now.raw.t], v: [...p.raw.v, ...now.raw.v] },
      minute: [...p.minute, ...now.minute],
      quarter: [...p.quarter, ...now.quarter],
    };
    this.#shedPending();
  }

  /** Not yet on disk: pending values and the open buckets (for queries). */
  unwritten(): { raw: RawPoints; minute: Bucket[]; quarter: Bucket[] } {
    const p = this.#pending;
    return {
      raw: p.raw,
      minute: this.#minute ? [...p.minute, { ...this.#minute }] : p.minute,
      quarter: this.#quarter ? [...p.quarter, { ...this.#quarter }] : p.quarter,
    };
  }

  hasPending(): boolean {
    const p = this.#pending;
    return p.raw.t.length + p.minute.length + p.quarter.length > 0;
  }

  /** Values since the last live batch. */
  takeLive(): { t: number[]; v: number[]; publisherId: string } | null {
    if (this.#live.t.length === 0) return null;
    this.#trimLive();
    const out = { t: this.#live.t, v: this.#live.v, publisherId: this.#livePublisher };
    this.#live = { t: [], v: [] };
    return out;
  }
}
