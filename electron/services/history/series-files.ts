/**
 * The segment files of one series: `<dir>/<tier>-<period>.bin` (segment-file.ts). Appends,
 * range reads, retention and damage handling. Not concurrency-safe by itself: the history
 * store runs every call through one queue, so a read never sees half an append.
 */

import { open, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { copyAside, moveAside, writeFileAtomic } from '../../persistence/salvage.js';
import type { Bucket } from './buckets.js';
import {
  BUCKET_MS,
  decodeBuckets,
  decodeRaw,
  encodeBuckets,
  encodeHeader,
  encodeRaw,
  fileNameOf,
  HEADER_BYTES,
  parseFileName,
  RECORD_BYTES,
  spanOf,
  spansBetween,
  type Decoded,
  type RawPoints,
  type Span,
  type Tier,
} from './segment-file.js';

export type BucketTier = Exclude<Tier, 'raw'>;

/** Something was wrong with a file; `movedTo` is where the original was kept. */
export interface FileProblem {
  file: string;
  movedTo: string | null;
  message: string;
}

export type ReportProblem = (problem: FileProblem) => void;

/** An append failed part-way (values spanning two files): `unwritten` is what is not on disk. */
export class PartialWriteError<T> extends Error {
  constructor(
    readonly unwritten: T,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export class SeriesFiles {
  /** files whose length was checked in this run (a torn tail is cut before the first append) */
  readonly #checked = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly report: ReportProblem,
  ) {}

  /** Groups values by the file they belong in and appends each group with one write. */
  async appendRaw(points: RawPoints): Promise<void> {
    const groups = new Map<number, { span: Span; t: number[]; v: number[] }>();
    for (let i = 0; i < points.t.length; i++) {
      const t = points.t[i] as number;
      const span = spanOf('raw', t);
      let g = groups.get(span.start);
      if (!g) groups.set(span.start, (g = { span, t: [], v: [] }));
      g.t.push(t);
      g.v.push(points.v[i] as number);
    }
    const list = [...groups.values()];
    for (const [i, g] of list.entries()) {
      try {
        await this.#append('raw', g.span, encodeRaw(g.t, g.v));
      } catch (err) {
        const rest = list.slice(i);
        throw new PartialWriteError<RawPoints>({ t: rest.flatMap((r) => r.t), v: rest.flatMap((r) => r.v) }, err);
      }
    }
  }

  async appendBuckets(tier: BucketTier, buckets: readonly Bucket[]): Promise<void> {
    const groups = new Map<number, { span: Span; list: Bucket[] }>();
    for (const b of buckets) {
      const span = spanOf(tier, b.start);
      let g = groups.get(span.start);
      if (!g) groups.set(span.start, (g = { span, list: [] }));
      g.list.push(b);
    }
    const list = [...groups.values()];
    for (const [i, g] of list.entries()) {
      try {
        await this.#append(tier, g.span, encodeBuckets(g.list));
      } catch (err) {
        throw new PartialWriteError<Bucket[]>(list.slice(i).flatMap((r) => r.list), err);
      }
    }
  }

  async #append(tier: Tier, span: Span, body: Buffer): Promise<void> {
    const path = join(this.dir, fileNameOf(tier, span));
    if (!this.#checked.has(path)) {
      await this.#checkBeforeAppend(path, tier, span);
      this.#checked.add(path);
    }
    const handle = await open(path, 'a');
    try {
      const { size } = await handle.stat();
      // One write per flush and file: a crash tears at most the tail of this write.
      try {
        await handle.write(size === 0 ? Buffer.concat([encodeHeader(tier, span), body]) : body);
      } catch (err) {
        // A failed append leaves nothing behind, so writing it again cannot count a value twice.
        await handle.truncate(size).catch(() => undefined);
        throw err;
      }
    } finally {
      await handle.close();
    }
  }

  /** A file torn by a crash gets its partial record cut; one with a bad header is moved aside. */
  async #checkBeforeAppend(path: string, tier: Tier, span: Span): Promise<void> {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    if (size === 0) return;
    const head = Buffer.alloc(Math.min(size, HEADER_BYTES));
    const handle = await open(path, 'r');
    try {
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
    const probe = tier === 'raw' ? decodeRaw(head, span) : decodeBuckets(head, tier, span);
    if (!probe.ok) {
      await this.#moveAside(path, probe.reason);
      return;
    }
    const torn = (size - HEADER_BYTES) % RECORD_BYTES[tier];
    if (torn > 0) {
      await truncate(path, size - torn);
      this.report({ file: path, movedTo: null, message: `${path}: cut ${torn} bytes of a record torn by an interrupted write` });
    }
  }

  async #moveAside(path: string, reason: string): Promise<void> {
    const movedTo = await moveAside(path);
    this.report({ file: path, movedTo, message: `${path} was unreadable (${reason}); it was kept as ${movedTo} and its history is missing` });
  }

  /** Reads one file; damage is handled (kept aside, valid records written back) and reported. */
  async #read<T>(path: string, decode: (buf: Buffer) => Decoded<T>, encodeValid: (records: T) => Buffer, header: Buffer): Promise<T | null> {
    let buf: Buffer;
    try {
      buf = await readFile(path);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    const d = decode(buf);
    if (!d.ok) {
      await this.#moveAside(path, d.reason);
      this.#checked.delete(path);
      return null;
    }
    if (d.invalid > 0) {
      const movedTo = await copyAside(path);
      await writeFileAtomic(path, Buffer.concat([header, encodeValid(d.records)]));
      this.report({
        file: path,
        movedTo,
        message: `${path}: ${d.invalid} of ${d.count} records were damaged and left out; the original was kept as ${movedTo}`,
      });
    } else if (d.tornBytes > 0) {
      await truncate(path, buf.length - d.tornBytes);
      this.report({ file: path, movedTo: null, message: `${path}: cut ${d.tornBytes} bytes of a record torn by an interrupted write` });
    }
    return d.records;
  }

  async readRaw(from: number, to: number): Promise<RawPoints> {
    const t: number[] = [];
    const v: number[] = [];
    for (const span of spansBetween('raw', from, to)) {
      const r = await this.#read(
        join(this.dir, fileNameOf('raw', span)),
        (buf) => decodeRaw(buf, span),
        (p) => encodeRaw(p.t, p.v),
        encodeHeader('raw', span),
      );
      if (!r) continue;
      for (let i = 0; i < r.t.length; i++) {
        const time = r.t[i] as number;
        if (time >= from && time <= to) {
          t.push(time);
          v.push(r.v[i] as number);
        }
      }
    }
    return { t, v };
  }

  async readBuckets(tier: BucketTier, from: number, to: number): Promise<Bucket[]> {
    const out: Bucket[] = [];
    const width = BUCKET_MS[tier];
    for (const span of spansBetween(tier, from, to)) {
      const r = await this.#read(
        join(this.dir, fileNameOf(tier, span)),
        (buf) => decodeBuckets(buf, tier, span),
        (list) => encodeBuckets(list),
        encodeHeader(tier, span),
      );
      if (!r) continue;
      for (const b of r) if (b.start + width > from && b.start <= to) out.push(b);
    }
    return out;
  }

  /**
   * Removes files wholly older than their tier's retention (`cutoff[tier]`: the oldest time
   * still kept). Returns how many files remain.
   */
  async prune(cutoff: Record<Tier, number>): Promise<number> {
    let remaining = 0;
    for (const name of await this.#names()) {
      const parsed = parseFileName(name);
      if (!parsed) continue;
      if (parsed.span.end <= cutoff[parsed.tier]) {
        const path = join(this.dir, name);
        await rm(path, { force: true });
        this.#checked.delete(path);
      } else {
        remaining++;
      }
    }
    return remaining;
  }

  /** Bytes of this series' segment files. */
  async bytes(): Promise<number> {
    let total = 0;
    for (const name of await this.#names()) {
      if (!parseFileName(name)) continue;
      total += (await stat(join(this.dir, name)).catch(() => ({ size: 0 }))).size;
    }
    return total;
  }

  /** Names in the series folder; none before its first file is written. */
  async #names(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }
}

export { BUCKET_MS };
