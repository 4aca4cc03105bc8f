/**
 * One record kind in one nedb file, as a keyed store with replace-by-key semantics.
 *
 * Why documents get a fresh `_id` on every put: a batch must be appended with a constant
 * number of writes, and a crash between two writes must never lose an acknowledged value.
 * So a put appends the new document under a new, increasing id (base 36 of a per-store
 * version counter) and only then appends the removal of the old id. A crash in between
 * leaves both on disk; open() keeps the newest per key and removes the rest. A batch is one
 * append of all new documents, then the removals of all replaced/deleted ids (one append per
 * 64 ids, see REMOVE_CHUNK).
 *
 * Mutations only touch `pending` (last write per key wins: put+delete of one key cancel out);
 * writePending() turns the whole map into those appends.
 */

import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import Datastore from 'nedb-promises';
import type { LoadProblem } from '../../broker-core/index.js';
import type { DocBody, RecordKind } from './nedb-kinds.js';
import { copyAside, fileStamp, replaceWithLines, salvageText } from './salvage.js';

type Db = ReturnType<typeof Datastore.create>;

/** The underlying @seald-io/nedb datastore (nedb-promises only wraps the callback API of these). */
interface NedbOriginal {
  getAllData(): DocBody[];
  compactDatafileAsync(): Promise<void>;
}

function originalOf(db: Db): NedbOriginal {
  const original: unknown = (db as unknown as { __original?: unknown }).__original;
  const o = original as Partial<NedbOriginal> | undefined;
  if (typeof o?.getAllData !== 'function' || typeof o.compactDatafileAsync !== 'function') {
    throw new Error('nedb-promises no longer exposes the @seald-io/nedb datastore (__original): check the installed version');
  }
  return original as NedbOriginal;
}

const ID = /^[0-9a-z]{1,11}$/;

/**
 * nedb checks `$in` by a linear scan of the list for every candidate document, so one removal
 * of k ids costs k² comparisons (a 1,000-id batch: a million). Removing in chunks of 64 keeps
 * that linear, at the price of one append per chunk.
 */
const REMOVE_CHUNK = 64;

async function removeIds(db: Db, ids: unknown[]): Promise<void> {
  for (let i = 0; i < ids.length; i += REMOVE_CHUNK) {
    await db.remove({ _id: { $in: ids.slice(i, i + REMOVE_CHUNK) } }, { multi: true });
  }
}

/**
 * Our documents start with `_id`, nedb's deletion markers with `$$deleted`. Anything else
 * (valid JSON included, which nedb would otherwise drop without a word) is made unparseable
 * so that, with corruptAlertThreshold 0, load() rejects and we salvage. The hook must not
 * throw: nedb creates its promise before awaiting it, so a throw would be an unhandled rejection.
 */
function flagForeignLine(line: string): string {
  return line === '' || line.startsWith('{"_id":') || line.startsWith('{"$$deleted":') ? line : '\u0000foreign line';
}

function isCorruptionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'corruptItems' in err;
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export interface OpenedStore<R> {
  records: R[];
  problems: LoadProblem[];
}

export class NedbKeyedStore<R> {
  readonly path: string;
  private db: Db | undefined;
  /** key → `_id` of the document that holds the key's current value in nedb (memory and, unless needsRewrite, file) */
  private readonly current = new Map<string, string>();
  /** owner client id → keys it owns (current or pending put); only for kinds with an owner */
  private readonly owners = new Map<string, Set<string>>();
  /** key → new document body, or null for a delete; applied by the next writePending() */
  private pending = new Map<string, DocBody | null>();
  private nextVersion = 1;
  /** lines appended since the file was last rewritten (the churn compaction looks at) */
  private appended = 0;
  /** a write failed after nedb updated its memory: the file must be rewritten before anything else */
  private needsRewrite = false;

  constructor(
    readonly kind: RecordKind<R>,
    dir: string,
  ) {
    this.path = join(dir, kind.file);
  }

  get liveCount(): number {
    return this.current.size;
  }

  get churn(): number {
    return this.appended;
  }

  get hasWork(): boolean {
    return this.pending.size > 0 || this.needsRewrite;
  }

  // ---- open ------------------------------------------------------------------------------

  /** non-empty lines nedb read at the last load: live documents plus stale ones (churn) */
  private linesRead = 0;

  private create(): Db {
    this.linesRead = 0;
    return Datastore.create({
      filename: this.path,
      corruptAlertThreshold: 0,
      afterSerialization: (line: string) => line,
      beforeDeserialization: (line: string) => {
        if (line !== '') this.linesRead++;
        return flagForeignLine(line);
      },
    });
  }

  /**
   * nedb rewrites the whole file after every load. We skip that rewrite (a quarter of the load
   * time of a 100,000-record file) because the churn rule knows better: the lines read minus the
   * live records are the file's churn, and the file is compacted when that churn is due.
   */
  private async load(db: Db): Promise<void> {
    const persistence = (db as unknown as { __original?: { persistence?: Record<string, unknown> } }).__original?.persistence;
    const canSkip = typeof persistence?.persistCachedDatabaseAsync === 'function';
    if (canSkip) persistence!.persistCachedDatabaseAsync = async (): Promise<void> => undefined;
    try {
      await db.load();
    } finally {
      // back to the prototype's method, which compaction uses
      if (canSkip) delete persistence!.persistCachedDatabaseAsync;
    }
  }

  /** True when the file ends in a complete line (every write of ours does): an append will not glue onto a fragment. */
  private async endsWithNewline(): Promise<boolean> {
    const handle = await open(this.path, 'r');
    try {
      const { size } = await handle.stat();
      if (size === 0) return true;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return last[0] === 0x0a;
    } finally {
      await handle.close();
    }
  }

  /** Loads the file, salvaging or moving it aside when it is damaged; never loses readable data. */
  async open(): Promise<OpenedStore<R>> {
    const problems: LoadProblem[] = [];
    let db = this.create();
    try {
      await this.load(db);
    } catch (err) {
      if (!isCorruptionError(err)) throw err;
      problems.push(await this.salvage());
      db = this.create();
      try {
        await this.load(db);
      } catch (again) {
        if (!isCorruptionError(again)) throw again;
        // salvage wrote a file nedb still cannot read: keep it aside too and start empty
        const movedTo = `${this.path}.bad-${fileStamp()}-unloadable`;
        await rename(this.path, movedTo);
        problems.push({ store: this.kind.file, movedTo, message: `${this.kind.file}: the salvaged file could not be loaded either; the store starts empty` });
        db = this.create();
        await this.load(db);
      }
    }
    this.db = db;
    const records = await this.index(problems);
    this.appended += this.linesRead - records.length;
    if (!(await this.endsWithNewline())) await this.compact();
    return { records, problems };
  }

  private async salvage(): Promise<LoadProblem> {
    const text = await readFile(this.path, 'utf8');
    const { docs, lines, unreadable } = salvageText(text);
    const movedTo = await copyAside(this.path);
    await replaceWithLines(
      this.path,
      // _id first again: that is how every line of ours starts (see flagForeignLine)
      docs.map((d) => JSON.stringify({ _id: d._id, ...d })),
    );
    return {
      store: this.kind.file,
      movedTo,
      message: `${this.kind.file}: ${unreadable} of ${lines} lines unreadable (a crash during a write or a damaged disk); ${docs.length} records recovered, the original file is kept as ${movedTo}`,
    };
  }

  /**
   * Builds the key index from nedb's memory: newest version per key wins, invalid shapes are set
   * aside. Parallel arrays instead of an object per record: this runs for every record at startup.
   */
  private async index(problems: LoadProblem[]): Promise<R[]> {
    const position = new Map<string, number>();
    const records: R[] = [];
    const ids: string[] = [];
    const versions: number[] = [];
    const stale: string[] = [];
    const invalid: unknown[] = [];
    for (const doc of originalOf(this.db!).getAllData()) {
      const id = doc._id;
      const record = typeof id === 'string' && ID.test(id) ? this.kind.decode(doc) : undefined;
      if (record === undefined) {
        invalid.push(id);
        continue;
      }
      const version = parseInt(id as string, 36);
      if (version >= this.nextVersion) this.nextVersion = version + 1;
      const key = this.kind.key(record);
      const at = position.get(key);
      if (at === undefined) {
        position.set(key, records.length);
        records.push(record);
        ids.push(id as string);
        versions.push(version);
      } else if ((versions[at] as number) < version) {
        stale.push(ids[at] as string);
        records[at] = record;
        ids[at] = id as string;
        versions[at] = version;
      } else {
        stale.push(id as string);
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
    const remove: unknown[] = [...invalid, ...stale];
    if (remove.length > 0) {
      await removeIds(this.db!, remove);
      this.appended += remove.length;
    }
    for (const [key, at] of position) {
      this.current.set(key, ids[at] as string);
      this.addOwned(key, records[at] as R);
    }
    return records;
  }

  // ---- mutations (memory only; made durable by writePending) -------------------------------

  private addOwned(key: string, record: R): void {
    const owner = this.kind.owner?.(record);
    if (owner === undefined) return;
    let keys = this.owners.get(owner);
    if (!keys) this.owners.set(owner, (keys = new Set()));
    keys.add(key);
  }

  put(record: R): void {
    const key = this.kind.key(record);
    this.pending.set(key, this.kind.encode(record));
    this.addOwned(key, record);
  }

  delete(key: string, owner?: string): void {
    this.pending.set(key, null);
    if (owner === undefined) return;
    const keys = this.owners.get(owner);
    if (keys?.delete(key) === true && keys.size === 0) this.owners.delete(owner);
  }

  deleteOwnedBy(owner: string): void {
    const keys = this.owners.get(owner);
    if (!keys) return;
    for (const key of keys) this.pending.set(key, null);
    this.owners.delete(owner);
  }

  /** The current records (nedb's memory plus nothing pending: callers write pending first). */
  currentRecords(): R[] {
    const out: R[] = [];
    for (const doc of originalOf(this.db!).getAllData()) {
      const record = this.kind.decode(doc);
      if (record !== undefined) out.push(record);
    }
    return out;
  }

  // ---- writing -----------------------------------------------------------------------------

  /**
   * Appends everything pending as (at most) one insert and one removal. Takes `pending`
   * synchronously, before the first await, so later mutations go to the next batch.
   * Rejects if the file missed a write (nedb's memory is updated regardless; the next call
   * rewrites the whole file first).
   */
  async writePending(): Promise<void> {
    if (this.needsRewrite) {
      await this.compact();
    }
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const inserts: DocBody[] = [];
    const removals: string[] = [];
    for (const [key, body] of batch) {
      const old = this.current.get(key);
      if (old !== undefined) removals.push(old);
      if (body === null) {
        this.current.delete(key);
      } else {
        const id = (this.nextVersion++).toString(36);
        inserts.push({ _id: id, ...body });
        this.current.set(key, id);
      }
    }
    const db = this.db!;
    let failure: unknown;
    // insert first: a crash between insert and removals leaves old and new, never neither
    if (inserts.length > 0) await db.insert(inserts).catch((err: unknown) => void (failure ??= err));
    if (removals.length > 0) await removeIds(db, removals).catch((err: unknown) => void (failure ??= err));
    this.appended += inserts.length + removals.length;
    if (failure !== undefined) {
      this.needsRewrite = true;
      throw failure;
    }
  }

  /** Rewrites the file from nedb's memory (crash-safe: temp file, fsync, rename). */
  async compact(): Promise<void> {
    await originalOf(this.db!).compactDatafileAsync();
    this.appended = 0;
    this.needsRewrite = false;
  }

  describeError(err: unknown): string {
    const code = errorCode(err);
    return `${this.kind.file}: ${err instanceof Error ? err.message : String(err)}${code ? ` (${code})` : ''}`;
  }
}
