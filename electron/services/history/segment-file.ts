/**
 * The on-disk format of history: append-only binary segment files, one per series, tier and
 * UTC period (a day for raw points and 1-minute buckets, a month for 15-minute buckets).
 *
 *   header  32 bytes: "FWH1", version u8 (1), tier u8 (0 raw, 1 1m, 2 15m), record size u16 LE,
 *           span start f64 LE, span end f64 LE (ms since epoch), 8 reserved zero bytes
 *   records raw:    t f64, value f64                       (16 bytes)
 *           bucket: start f64, min f64, max f64, sum f64, count f64  (40 bytes)
 *
 * Why not nedb documents: nedb holds every document in memory and rewrites the whole file at
 * every load; a 90-day history of 100 series is tens of MB that would be parsed at start-up and
 * kept in RAM for nothing. Segment files cost no memory until read, append without rewriting,
 * and retention is a file deletion. (ARCHITECTURE.md, history: storage decision.)
 *
 * Damage: a torn last record (a crash mid-append) is cut off; records that cannot be right
 * (outside the file's span, not finite, min > max, …) mean the file is damaged: the caller keeps
 * it aside as `<file>.bad-<time>` and writes the valid records back (segment-repair.ts).
 */

import type { Bucket } from './buckets.js';

export type Tier = 'raw' | '1m' | '15m';

export const HEADER_BYTES = 32;
const MAGIC = 'FWH1';
const VERSION = 1;
export const TIER_CODE: Record<Tier, number> = { raw: 0, '1m': 1, '15m': 2 };
export const RECORD_BYTES: Record<Tier, number> = { raw: 16, '1m': 40, '15m': 40 };
export const BUCKET_MS: Record<Exclude<Tier, 'raw'>, number> = { '1m': 60_000, '15m': 900_000 };

export interface Span {
  start: number;
  /** exclusive */
  end: number;
}

export interface RawPoints {
  t: number[];
  v: number[];
}

export function encodeHeader(tier: Tier, span: Span): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(MAGIC, 0, 'latin1');
  b.writeUInt8(VERSION, 4);
  b.writeUInt8(TIER_CODE[tier], 5);
  b.writeUInt16LE(RECORD_BYTES[tier], 6);
  b.writeDoubleLE(span.start, 8);
  b.writeDoubleLE(span.end, 16);
  return b;
}

export function encodeRaw(t: readonly number[], v: readonly number[]): Buffer {
  const b = Buffer.allocUnsafe(t.length * 16);
  for (let i = 0; i < t.length; i++) {
    b.writeDoubleLE(t[i] as number, i * 16);
    b.writeDoubleLE(v[i] as number, i * 16 + 8);
  }
  return b;
}

export function encodeBuckets(buckets: readonly Bucket[]): Buffer {
  const b = Buffer.allocUnsafe(buckets.length * 40);
  buckets.forEach((k, i) => {
    const o = i * 40;
    b.writeDoubleLE(k.start, o);
    b.writeDoubleLE(k.min, o + 8);
    b.writeDoubleLE(k.max, o + 16);
    b.writeDoubleLE(k.sum, o + 24);
    b.writeDoubleLE(k.count, o + 32);
  });
  return b;
}

export type Decoded<T> =
  | { ok: true; records: T; count: number; tornBytes: number; invalid: number }
  | { ok: false; reason: string };

function checkHeader(buf: Buffer, tier: Tier, span: Span): string | null {
  if (buf.length < HEADER_BYTES) return `shorter than its ${HEADER_BYTES}-byte header`;
  if (buf.toString('latin1', 0, 4) !== MAGIC) return 'not a Fleetwatch history file (bad magic)';
  if (buf.readUInt8(4) !== VERSION) return `unknown version ${buf.readUInt8(4)}`;
  if (buf.readUInt8(5) !== TIER_CODE[tier]) return `holds tier ${buf.readUInt8(5)}, its name says ${tier}`;
  if (buf.readUInt16LE(6) !== RECORD_BYTES[tier]) return `record size ${buf.readUInt16LE(6)}, expected ${RECORD_BYTES[tier]}`;
  if (buf.readDoubleLE(8) !== span.start || buf.readDoubleLE(16) !== span.end) return 'its span does not match its name';
  return null;
}

/** Raw points whose records are all sound; `invalid` counts the others (0 on a healthy file). */
export function decodeRaw(buf: Buffer, span: Span): Decoded<RawPoints> {
  const bad = checkHeader(buf, 'raw', span);
  if (bad) return { ok: false, reason: bad };
  const body = buf.length - HEADER_BYTES;
  const count = Math.floor(body / 16);
  const t: number[] = [];
  const v: number[] = [];
  let invalid = 0;
  for (let i = 0; i < count; i++) {
    const o = HEADER_BYTES + i * 16;
    const time = buf.readDoubleLE(o);
    const value = buf.readDoubleLE(o + 8);
    if (time >= span.start && time < span.end && Number.isFinite(value)) {
      t.push(time);
      v.push(value);
    } else {
      invalid++;
    }
  }
  return { ok: true, records: { t, v }, count, tornBytes: body % 16, invalid };
}

function soundBucket(k: Bucket, widthMs: number, span: Span): boolean {
  if (!(k.start >= span.start && k.start < span.end) || k.start % widthMs !== 0) return false;
  if (![k.min, k.max, k.sum].every(Number.isFinite)) return false;
  if (!Number.isInteger(k.count) || k.count < 1 || k.min > k.max) return false;
  // The mean lies between min and max, allowing for floating-point rounding of the sum.
  const m = k.sum / k.count;
  const slack = 1e-9 * Math.max(1, Math.abs(k.min), Math.abs(k.max));
  return m >= k.min - slack && m <= k.max + slack;
}

export function decodeBuckets(buf: Buffer, tier: Exclude<Tier, 'raw'>, span: Span): Decoded<Bucket[]> {
  const bad = checkHeader(buf, tier, span);
  if (bad) return { ok: false, reason: bad };
  const body = buf.length - HEADER_BYTES;
  const count = Math.floor(body / 40);
  const records: Bucket[] = [];
  let invalid = 0;
  for (let i = 0; i < count; i++) {
    const o = HEADER_BYTES + i * 40;
    const k: Bucket = {
      start: buf.readDoubleLE(o),
      min: buf.readDoubleLE(o + 8),
      max: buf.readDoubleLE(o + 16),
      sum: buf.readDoubleLE(o + 24),
      count: buf.readDoubleLE(o + 32),
    };
    if (soundBucket(k, BUCKET_MS[tier], span)) records.push(k);
    else invalid++;
  }
  return { ok: true, records, count, tornBytes: body % 40, invalid };
}

/* ───────────── file names and spans ───────────── */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The UTC day (raw, 1m) or month (15m) that holds `t`. */
export function spanOf(tier: Tier, t: number): Span {
  const d = new Date(t);
  if (tier === '15m') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    return { start, end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
  }
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return { start, end: start + 86_400_000 };
}

export function fileNameOf(tier: Tier, span: Span): string {
  const d = new Date(span.start);
  const month = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  return tier === '15m' ? `15m-${month}.bin` : `${tier}-${month}-${pad(d.getUTCDate())}.bin`;
}

const NAME = /^(raw|1m|15m)-(\d{4})-(\d{2})(?:-(\d{2}))?\.bin$/;

/** The tier and span a segment file's name stands for; null for any other file. */
export function parseFileName(name: string): { tier: Tier; span: Span } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const tier = m[1] as Tier;
  const year = Number(m[2]);
  const month = Number(m[3]) - 1;
  const day = m[4] === undefined ? null : Number(m[4]);
  if ((tier === '15m') !== (day === null)) return null;
  const start = Date.UTC(year, month, day ?? 1);
  const span = spanOf(tier, start);
  return fileNameOf(tier, span) === name ? { tier, span } : null;
}

/** Spans of `tier` files that overlap [from, to], oldest first. */
export function spansBetween(tier: Tier, from: number, to: number): Span[] {
  const out: Span[] = [];
  for (let s = spanOf(tier, from); s.start <= to; s = spanOf(tier, s.end)) out.push(s);
  return out;
}
