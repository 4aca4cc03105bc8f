/**
 * One record kind in one nedb-format file, as a keyed store with replace-by-key semantics.
 * The file is read and written by nedb-file.ts (nedb's format, our own code: see there why).
 *
 * Why documents get a fresh `_id` on every put: a batch must be appended with one write, and a
 * crash in the middle must never lose an acknowledged value. So a put appends the new document
 * under a new, increasing id (base 36 of a per-store version counter) and the deletion marker of
 * the old id after it, in the same append. A crash in between leaves both on disk; open() keeps
 * the newest per key and removes the rest.
 *
 * Mutations only touch `pending` (last write per key wins: put+delete of one key cancel out);
 * writePending() turns the whole map into one append. File operations of a store (appends,
 * rewrites) run one at a time, in call order.
 *
 * Keys are two-level: the owning session's client id ('' for kinds without owners), then the
 * kind's key within it (a seq or packet id is a plain number: no key string is built per
 * acknowledged message, and deleteSession's cascade is one map of the owner).
 *
 * Memory: per live key its `_id` and its line (what a rewrite writes); nothing else.
 */

import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadProblem } from '../../broker-core/index.js';
import type { DocBody, RecordKind } from './nedb-kinds.js';
import { Appender, deletionLine, deletionLineOf, documentLine, type ParsedFile, readNedbFile, rewriteNedbFile } from './nedb-file.js';
import { copyAside, fileStamp, isCorruptionError, salvageFile } from './salvage.js';

const ID = /^[0-9a-z]{1,11}$/;

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export interface OpenedStore<R> {
  records: R[];
  problems: LoadProblem[];
}

/** The document holding a key's current value: its `_id` and its line in the file. */
interface Live {
  id: string;
  line: string;
}

/** A document as read at startup: its record, or undefined with the `_id` of an invalid one. */
interface ReadDoc<R> {
  record: R | undefined;
  rawId: unknown;
}

type Key = string | number;

/** owner → key → value */
type Owned<V> = Map<string, Map<Key, V>>;

function inner<V>(map: Owned<V>, owner: string): Map<Key, V> {
  let keys = map.get(owner);
  if (keys === undefined) map.set(owner, (keys = new Map()));
  return keys;
}

export class NedbKeyedStore<R> {
  readonly path: string;
  private opened = false;
  /** owner → key → the document that holds the key's current value (in the file unless needsRewrite) */
  private readonly current: Owned<Live> = new Map();
  private live = 0;
  /** owner → key → new document body, or null for a delete; applied by the next writePending() */
  private pending: Owned<DocBody | null> = new Map();
  private pendingCount = 0;
  private nextVersion = 1;
  /** lines in the file that hold no live document (replaced, deleted, deletion markers) */
  private garbage = 0;
  /** a write failed after `current` was updated: the file must be rewritten before anything else */
  private needsRewrite = false;
  /** the file operation in progress: the next one starts after it */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly appender: Appender;

  constructor(
    readonly kind: RecordKind<R>,
    dir: string,
  ) {
    this.path = join(dir, kind.file);
    this.appender = new Appender(this.path);
  }

  get liveCount(): number {
    return this.live;
  }

  /** lines a rewrite would drop: what the compaction rule looks at */
  get churn(): number {
    return this.garbage;
  }

  get hasWork(): boolean {
    return this.pendingCount > 0 || this.needsRewrite;
  }

  /** Runs file operations of this store one at a time, in call order. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.chain.then(operation, operation);
    this.chain = run.catch(() => undefined);
    return run;
  }

  // ---- open ------------------------------------------------------------------------------

  /** Reads the file, salvaging or moving it aside when it is damaged; never loses readable data. */
  async open(): Promise<OpenedStore<R>> {
    const problems: LoadProblem[] = [];
    const read = (): Promise<ParsedFile<ReadDoc<R>>> => readNedbFile(this.path, (doc) => this.readDoc(doc));
    let parsed: ParsedFile<ReadDoc<R>>;
    try {
      parsed = await read();
    } catch (err) {
      if (!isCorruptionError(err)) throw err;
      const salvaged = await salvageFile(this.path);
      problems.push({
        store: this.kind.file,
        movedTo: salvaged.movedTo,
        message: `${this.kind.file}: ${salvaged.unreadable} of ${salvaged.lines} lines unreadable (a crash during a write or a damaged disk); ${salvaged.recovered} records recovered, the original file is kept as ${salvaged.movedTo}`,
      });
      try {
        parsed = await read();
      } catch (again) {
        if (!isCorruptionError(again)) throw again;
        // salvage wrote a file that still cannot be read: keep it aside too and start empty
        const movedTo = `${this.path}.bad-${fileStamp()}-unloadable`;
        await rename(this.path, movedTo);
        problems.push({ store: this.kind.file, movedTo, message: `${this.kind.file}: the salvaged file could not be loaded either; the store starts empty` });
        parsed = await read();
      }
    }
    this.opened = true;
    const records = await this.index(parsed, problems);
    this.garbage += parsed.lines - parsed.docs.size;
    // an append must not glue onto a last line without its newline: rewrite first
    if (parsed.unterminated) await this.compact();
    return { records, problems };
  }

  /**
   * Builds the key index from the file's live documents: newest version per key wins, invalid
   * shapes are set aside. Parallel arrays instead of an object per record: this runs for every
   * record at startup.
   */
  private readDoc(doc: DocBody): ReadDoc<R> {
    const id = doc._id;
    return { record: typeof id === 'string' && ID.test(id) ? this.kind.decode(doc) : undefined, rawId: id };
  }

  private async index(parsed: ParsedFile<ReadDoc<R>>, problems: LoadProblem[]): Promise<R[]> {
    const position: Owned<number> = new Map();
    const records: R[] = [];
    const lives: Live[] = [];
    const versions: number[] = [];
    const stale: string[] = [];
    const invalid: unknown[] = [];
    for (const [id, { value, line }] of parsed.docs) {
      const record = value.record;
      if (record === undefined) {
        invalid.push(value.rawId);
        continue;
      }
      const version = parseInt(id, 36);
      if (version >= this.nextVersion) this.nextVersion = version + 1;
      const positions = inner(position, this.kind.owner?.(record) ?? '');
      const key = this.kind.key(record);
      const at = positions.get(key);
      if (at === undefined) {
        positions.set(key, records.length);
        records.push(record);
        lives.push({ id, line });
        versions.push(version);
      } else if ((versions[at] as number) < version) {
        stale.push((lives[at] as Live).id);
        records[at] = record;
        lives[at] = { id, line };
        versions[at] = version;
      } else {
        stale.push(id);
      }
    }
    if (invalid.length > 0) {
      const movedTo = await copyAside(this.path);
      problems.push({
        store: this.kind.file,
        movedTo,
        message: `${this.kind.file}: ${invalid.length} records of an invalid shape were removed; the original file is kept as ${movedTo}`,
      });
    }
    // stale versions are what a crash between a batch's insert and its removals leaves: expected, not a problem
    const remove = [...invalid, ...stale];
    if (remove.length > 0) {
      let text = '';
      for (const id of invalid) text += `${deletionLineOf(id)}\n`;
      for (const id of stale) text += `${deletionLine(id)}\n`;
      await this.appender.append(text);
      this.garbage += 2 * remove.length;
    }
    for (const [owner, positions] of position) {
      const owned = new Map<Key, Live>();
      for (const [key, at] of positions) owned.set(key, lives[at] as Live);
      this.current.set(owner, owned);
      this.live += owned.size;
    }
    return records;
  }

  // ---- mutations (memory only; made durable by writePending) -------------------------------

  private setPending(owner: string, key: Key, body: DocBody | null): void {
    const keys = inner(this.pending, owner);
    const size = keys.size;
    keys.set(key, body);
    this.pendingCount += keys.size - size;
  }

  put(record: R): void {
    this.setPending(this.kind.owner?.(record) ?? '', this.kind.key(record), this.kind.encode(record));
  }

  /** Deletes the record with `key` (within `owner` for kinds with owners). */
  delete(key: Key, owner = ''): void {
    this.setPending(owner, key, null);
  }

  /** Deletes several records of one owner (e.g. the acknowledged messages of one session). */
  deleteMany(owner: string, keys: readonly Key[]): void {
    const pending = inner(this.pending, owner);
    const size = pending.size;
    for (const key of keys) pending.set(key, null);
    this.pendingCount += pending.size - size;
  }

  /** Deletes every record of `owner`, written or pending. */
  deleteOwnedBy(owner: string): void {
    const written = this.current.get(owner);
    const pending = this.pending.get(owner);
    if (written === undefined && pending === undefined) return;
    const deletes = inner(this.pending, owner);
    const size = deletes.size;
    if (written !== undefined) for (const key of written.keys()) deletes.set(key, null);
    // pending puts become deletes too (of nothing, for a key never written)
    for (const [key, body] of deletes) if (body !== null) deletes.set(key, null);
    this.pendingCount += deletes.size - size;
  }

  /** The current records (callers write pending first). */
  currentRecords(): R[] {
    const out: R[] = [];
    for (const keys of this.current.values()) {
      for (const { line } of keys.values()) {
        const record = this.kind.decode(JSON.parse(line) as DocBody);
        if (record !== undefined) out.push(record);
      }
    }
    return out;
  }

  // ---- writing -----------------------------------------------------------------------------

  /**
   * Appends everything pending in one write: the new documents, then the deletion markers of
   * the ids they replace or delete. Takes `pending` synchronously, before the first await, so
   * later mutations go to the next batch. Rejects if the append failed (`current` is updated
   * regardless; the next call rewrites the whole file first).
   */
  writePending(): Promise<void> {
    if (!this.opened) return Promise.reject(new Error(`${this.kind.file} is not open`));
    if (this.pendingCount === 0 && !this.needsRewrite) return Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    let inserts = '';
    let removals = '';
    let lines = 0;
    for (const [owner, keys] of batch) {
      let current = this.current.get(owner);
      for (const [key, body] of keys) {
        const old = current?.get(key);
        if (old !== undefined) {
          removals += `${deletionLine(old.id)}\n`;
          lines += 2; // the replaced document and its deletion marker
        }
        if (body === null) {
          if (old !== undefined) {
            (current as Map<Key, Live>).delete(key);
            this.live--;
          }
        } else {
          const id = (this.nextVersion++).toString(36);
          const line = documentLine(id, body);
          inserts += `${line}\n`;
          current ??= inner(this.current, owner);
          current.set(key, { id, line });
          if (old === undefined) this.live++;
        }
      }
      if (current !== undefined && current.size === 0) this.current.delete(owner);
    }
    // new documents first: a crash inside the append leaves old and new, never neither
    const text = inserts + removals;
    return this.exclusive(async () => {
      if (this.needsRewrite) {
        await this.rewrite();
        return; // the rewrite wrote `current`, this batch included
      }
      if (text === '') return;
      try {
        await this.appender.append(text);
      } catch (err) {
        this.needsRewrite = true;
        throw err;
      }
      this.garbage += lines;
    });
  }

  /** Rewrites the file from `current` (crash-safe: temp file, fsync, rename), after any write in progress. */
  compact(): Promise<void> {
    return this.exclusive(() => this.rewrite());
  }

  private async rewrite(): Promise<void> {
    await this.appender.close();
    const lines: string[] = [];
    for (const keys of this.current.values()) for (const { line } of keys.values()) lines.push(line);
    try {
      await rewriteNedbFile(this.path, lines);
    } catch (err) {
      this.needsRewrite = true;
      throw err;
    }
    this.garbage = 0;
    this.needsRewrite = false;
  }

  /** Releases the file (after everything pending was written). */
  release(): Promise<void> {
    return this.exclusive(() => this.appender.close());
  }

  describeError(err: unknown): string {
    const code = errorCode(err);
    return `${this.kind.file}: ${err instanceof Error ? err.message : String(err)}${code ? ` (${code})` : ''}`;
  }
}
