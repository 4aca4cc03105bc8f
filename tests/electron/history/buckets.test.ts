import { describe, expect, it } from 'vitest';
import { bucketPoints, mean, rebucket, widthFor, type Bucket } from '../../../electron/services/history/buckets.js';

/** Deterministic pseudo-random numbers (mulberry32) so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bruteForce(t: number[], v: number[], width: number): Map<number, { min: number; max: number; avg: number; count: number }> {
  const groups = new Map<number, number[]>();
  t.forEach((time, i) => {
    const start = Math.floor(time / width) * width;
    groups.set(start, [...(groups.get(start) ?? []), v[i]!]);
  });
  return new Map([...groups].map(([s, vals]) => [s, { min: Math.min(...vals), max: Math.max(...vals), avg: vals.reduce((a, b) => a + b, 0) / vals.length, count: vals.length }]));
}

describe('downsampling', () => {
  it('summarises each 1-minute slot as exactly the min, max, mean and count of its values', () => {
    const rnd = random(7);
    const t0 = Date.UTC(2026, 0, 10, 12);
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      t.push(t0 + Math.floor(rnd() * 3_600_000));
      v.push(Math.round((rnd() * 60 - 20) * 100) / 100);
    }
    const buckets = bucketPoints(t, v, 60_000);
    const expected = bruteForce(t, v, 60_000);
    expect(buckets.map((b) => b.start)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const b of buckets) {
      const e = expected.get(b.start)!;
      expect(b.min).toBe(e.min);
      expect(b.max).toBe(e.max);
      expect(b.count).toBe(e.count);
      expect(mean(b)).toBeCloseTo(e.avg, 9);
    }
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(5_000);
  });

  it('merges partial buckets of one slot (written before and after a restart) into the bucket of all their values', () => {
    const start = Date.UTC(2026, 0, 10, 12, 5);
    const before: Bucket = { start, min: 20, max: 22, sum: 63, count: 3 };
    const after: Bucket = { start, min: 19, max: 21, sum: 40, count: 2 };
    const other: Bucket = { start: start + 60_000, min: 5, max: 5, sum: 5, count: 1 };
    expect(rebucket([other, before, after], 60_000)).toEqual([{ start, min: 19, max: 22, sum: 103, count: 5 }, other]);
  });

  it('re-buckets 1-minute buckets into 15-minute ones exactly as if the raw values had been bucketed', () => {
    const rnd = random(11);
    const t0 = Date.UTC(2026, 0, 10);
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < 3_000; i++) {
      t.push(t0 + Math.floor(rnd() * 6 * 3_600_000));
      v.push(Math.floor(rnd() * 1000));
    }
    const direct = bucketPoints(t, v, 900_000);
    const viaMinutes = rebucket(bucketPoints(t, v, 60_000), 900_000);
    expect(viaMinutes).toEqual(direct);
  });

  it('picks a bucket width that puts any span into at most the asked number of buckets', () => {
    for (const [span, max, base] of [
      [7 * 86_400_000, 1_500, 60_000],
      [86_400_000, 800, 60_000],
      [3_600_000, 100, 1_000],
      [90 * 86_400_000, 2_000, 900_000],
      [60_000, 1_000, 60_000],
    ] as const) {
      const width = widthFor(span, max, base);
      expect(width % base).toBe(0);
      // a span not aligned to the width touches at most one extra slot
      expect(Math.ceil(span / width) + 1).toBeLessThanOrEqual(max);
    }
  });
});
