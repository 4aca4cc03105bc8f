/**
 * Answering "what did this series measure between from and to": pick the finest tier that
 * still holds the range, read it (files plus what is not written yet), and merge into wider
 * buckets when there would be more than `maxPoints` values (a chart draws at most about one
 * value per pixel anyway).
 */

import type { HistoryTier, SeriesHistoryDto } from '../../contract/charts.js';
import { bucketPoints, mean, rebucket, widthFor, type Bucket } from './buckets.js';
import { HOUR_MS, MINUTE_MS, QUARTER_MS, type HistoryLimits } from './limits.js';
import type { RawPoints } from './segment-file.js';

/** Raw points are answered for ranges up to this long; longer ranges read buckets. */
export const RAW_MAX_SPAN_MS = 6 * HOUR_MS;
/** A window preset computed a moment before the request still counts as within retention. */
export const RETENTION_SLACK_MS = 10 * MINUTE_MS;

export function chooseTier(from: number, to: number, now: number, limits: HistoryLimits): HistoryTier {
  if (from >= now - limits.rawRetentionMs - RETENTION_SLACK_MS && to - from <= RAW_MAX_SPAN_MS) return 'raw';
  if (from >= now - limits.minuteRetentionMs - RETENTION_SLACK_MS) return '1m';
  return '15m';
}

export type TierReader = {
  raw(): Promise<RawPoints>;
  buckets(tier: '1m' | '15m'): Promise<Bucket[]>;
};

type Values = Pick<SeriesHistoryDto, 'tier' | 'bucketMs' | 't' | 'v' | 'min' | 'max' | 'count'>;

function fromBuckets(tier: HistoryTier, bucketMs: number, buckets: Bucket[]): Values {
  return {
    tier,
    bucketMs,
    t: buckets.map((b) => b.start),
    v: buckets.map(mean),
    min: buckets.map((b) => b.min),
    max: buckets.map((b) => b.max),
    count: buckets.map((b) => b.count),
  };
}

/** Sorted by time (values written before a restart and ones still in memory meet here). */
function sortedRaw(points: RawPoints): RawPoints {
  let sorted = true;
  for (let i = 1; i < points.t.length && sorted; i++) sorted = (points.t[i] as number) >= (points.t[i - 1] as number);
  if (sorted) return points;
  const idx = points.t.map((_, i) => i).sort((a, b) => (points.t[a] as number) - (points.t[b] as number));
  return { t: idx.map((i) => points.t[i] as number), v: idx.map((i) => points.v[i] as number) };
}

export async function readValues(read: TierReader, from: number, to: number, maxPoints: number, now: number, limits: HistoryLimits): Promise<Values> {
  const tier = chooseTier(from, to, now, limits);
  const span = Math.max(1, to - from);
  if (tier === 'raw') {
    const raw = sortedRaw(await read.raw());
    if (raw.t.length <= maxPoints) return { tier, bucketMs: 0, t: raw.t, v: raw.v, min: [], max: [], count: [] };
    const width = widthFor(span, maxPoints, limits.rawMinSpacingMs);
    return fromBuckets(tier, width, bucketPoints(raw.t, raw.v, width));
  }
  const base = tier === '1m' ? MINUTE_MS : QUARTER_MS;
  const width = widthFor(span, maxPoints, base);
  return fromBuckets(tier, width, rebucket(await read.buckets(tier), width));
}
