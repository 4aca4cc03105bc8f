/**
 * What one chart holds of one series: the loaded history plus live values, sorted by time, and
 * the offline/sleeping periods of its publisher. Bounded: at most MAX_POINTS_PER_SERIES values
 * (the oldest are shed and counted); while the chart follows live, values older than its
 * window are dropped as it slides.
 */

import type { PeriodDto, SeriesHistoryDto } from '../../../electron/contract/index.js';

/** A point as chart.js draws it (parsing off: x and y read directly); buckets carry their summary. */
export interface ChartPoint {
  x: number;
  y: number;
  min?: number;
  max?: number;
  count?: number;
}

export const MAX_POINTS_PER_SERIES = 100_000;
/**
 * Live values remembered apart from the loaded history, so reloading a range (a zoom, a new
 * window) keeps values the recorder thinned out of its raw tier but this page saw arrive.
 */
export const MAX_LIVE_POINTS = 20_000;
export const MAX_PERIODS_PER_SERIES = 500;

/** Index of the first point with x >= t (points sorted by x). */
export function lowerBound(points: readonly ChartPoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as ChartPoint).x < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(points: ChartPoint[], p: ChartPoint): void {
  const last = points.at(-1);
  if (!last || last.x <= p.x) points.push(p);
  else points.splice(lowerBound(points, p.x + 1), 0, p);
}

/** Two sorted raw lists as one; a value in both (same time and value) once. */
export function mergeRaw(a: readonly ChartPoint[], b: readonly ChartPoint[]): ChartPoint[] {
  const out: ChartPoint[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const p = a[i];
    const q = b[j];
    if (q === undefined || (p !== undefined && p.x < q.x)) {
      out.push(p as ChartPoint);
      i++;
    } else if (p === undefined || q.x < p.x) {
      out.push(q);
      j++;
    } else {
      out.push(p);
      i++;
      // the same value at the same time is the same message
      if (p.y === q.y) j++;
    }
  }
  return out;
}

export class SeriesBuffer {
  points: ChartPoint[] = [];
  periods: PeriodDto[] = [];
  publisherId: string | null = null;
  /** values dropped by the bound since this chart opened */
  shed = 0;
  /** width of the loaded buckets (0: raw values) */
  bucketMs = 0;
  tier = 'raw';

  constructor(readonly key: string) {}

  #live: ChartPoint[] = [];

  /**
   * Replaces the points with a history answer. Raw history is merged with the live values seen
   * in its range (the recorder keeps at most one raw value per second; this page saw them all);
   * buckets are followed by the live values newer than them.
   */
  setHistory(h: SeriesHistoryDto, from: number): void {
    const pts: ChartPoint[] = new Array(h.t.length);
    const bucketed = h.min.length === h.t.length && h.t.length > 0;
    for (let i = 0; i < h.t.length; i++) {
      pts[i] = bucketed
        ? { x: h.t[i] as number, y: h.v[i] as number, min: h.min[i] as number, max: h.max[i] as number, count: h.count[i] as number }
        : { x: h.t[i] as number, y: h.v[i] as number };
    }
    if (bucketed) {
      const end = (pts.at(-1)?.x ?? -Infinity) + h.bucketMs;
      this.points = pts.concat(this.#live.filter((p) => p.x >= end));
    } else {
      // Live values after `to` arrived after the request; mergeRaw also copes with any overlap.
      this.points = mergeRaw(pts, this.#live.slice(lowerBound(this.#live, from)));
    }
    this.bucketMs = h.bucketMs;
    this.tier = h.tier;
    if (h.publisherId !== null) this.publisherId = h.publisherId;
    this.periods = h.periods.slice(-MAX_PERIODS_PER_SERIES);
    this.#bound();
  }

  append(t: readonly number[], v: readonly number[]): void {
    for (let i = 0; i < t.length; i++) {
      const p = { x: t[i] as number, y: v[i] as number };
      insertSorted(this.points, p);
      insertSorted(this.#live, p);
    }
    if (this.#live.length > MAX_LIVE_POINTS) this.#live.splice(0, this.#live.length - MAX_LIVE_POINTS);
    this.#bound();
  }

  #bound(): void {
    const over = this.points.length - MAX_POINTS_PER_SERIES;
    if (over > 0) {
      this.points.splice(0, over);
      this.shed += over;
    }
  }

  /** Drops values before `t`, keeping one so the line still enters the chart from its left edge. */
  trimBefore(t: number): void {
    const i = lowerBound(this.points, t) - 1;
    if (i > 0) this.points.splice(0, i);
    const j = lowerBound(this.#live, t) - 1;
    if (j > 0) this.#live.splice(0, j);
    this.periods = this.periods.filter((p) => p.end === null || p.end >= t);
  }

  /** A period that began or ended (the same start means the same period). */
  upsertPeriod(p: PeriodDto): void {
    const i = this.periods.findIndex((q) => q.start === p.start);
    if (i >= 0) this.periods[i] = p;
    else this.periods.push(p);
    if (this.periods.length > MAX_PERIODS_PER_SERIES) this.periods.shift();
  }

  /** Values between min and max (inclusive). */
  between(min: number, max: number): ChartPoint[] {
    return this.points.slice(lowerBound(this.points, min), lowerBound(this.points, max + 1));
  }
}
