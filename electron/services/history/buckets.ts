/**
 * Downsampling arithmetic: a bucket summarises the values of one time slot as min, max, sum
 * and count (sum rather than mean, so two partial buckets of the same slot merge exactly).
 */

export interface Bucket {
  /** ms since epoch, a multiple of the bucket width */
  start: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

export function bucketStart(t: number, widthMs: number): number {
  return Math.floor(t / widthMs) * widthMs;
}

export function newBucket(start: number, value: number): Bucket {
  return { start, min: value, max: value, sum: value, count: 1 };
}

export function addValue(b: Bucket, value: number): void {
  if (value < b.min) b.min = value;
  if (value > b.max) b.max = value;
  b.sum += value;
  b.count += 1;
}

/** Folds `from` into `into` (same slot). */
export function mergeInto(into: Bucket, from: Bucket): void {
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
  into.sum += from.sum;
  into.count += from.count;
}

export function mean(b: Bucket): number {
  return b.sum / b.count;
}

/**
 * Sorted by start, one bucket per slot: partial buckets of one slot (written before and after a
 * restart, or a late value) are merged. `widthMs` re-buckets into wider slots when larger than
 * the records' own width.
 */
export function rebucket(records: Iterable<Bucket>, widthMs: number): Bucket[] {
  const bySlot = new Map<number, Bucket>();
  for (const r of records) {
    const start = bucketStart(r.start, widthMs);
    const b = bySlot.get(start);
    if (b) mergeInto(b, r);
    else bySlot.set(start, { start, min: r.min, max: r.max, sum: r.sum, count: r.count });
  }
  return [...bySlot.values()].sort((a, b) => a.start - b.start);
}

/** Raw points (sorted or not) into buckets of `widthMs`, sorted by start. */
export function bucketPoints(t: ArrayLike<number>, v: ArrayLike<number>, widthMs: number): Bucket[] {
  const bySlot = new Map<number, Bucket>();
  for (let i = 0; i < t.length; i++) {
    const value = v[i] as number;
    const start = bucketStart(t[i] as number, widthMs);
    const b = bySlot.get(start);
    if (b) addValue(b, value);
    else bySlot.set(start, newBucket(start, value));
  }
  return [...bySlot.values()].sort((a, b) => a.start - b.start);
}

/**
 * The narrowest width that is a multiple of `baseMs` and puts `spanMs` into at most
 * `maxBuckets` slots (so a chart gets at most about one value per pixel it has).
 */
export function widthFor(spanMs: number, maxBuckets: number, baseMs: number): number {
  const slots = Math.ceil(spanMs / baseMs);
  const factor = Math.max(1, Math.ceil(slots / Math.max(1, maxBuckets - 1)));
  return factor * baseMs;
}
