/**
 * A small nedb-backed collection of whole documents, shared by the main-process services (alert
 * history, outage log, device registry, chart catalog and periods, dashboards): the documents
 * live in memory (nedb keeps them there anyway) and every change is appended to the file.
 *
 * Opening follows the house rule for damaged files: with `corruptAlertThreshold: 0` nedb refuses
 * any unreadable line; we then keep the original as `<file>.bad-<time>`, salvage every readable
 * document into a fresh file (salvage.ts) and report it — never wipe it.
 * The file is compacted when appended lines (updates and removals append copies) exceed
 * COMPACT_RATIO × live documents.
 */
import { join } from 'node:path';
import Datastore from 'nedb-promises';
import { copyAside, loadSalvaging } from './salvage.js';

export const COMPACT_RATIO = 2;
/** never compact for fewer appended lines than this */
export const COMPACT_MIN_LINES = 500;

type Db = ReturnType<typeof Datastore.create>;

export interface Doc {
  _id: string;
}

export interface CollectionProblem {
  store: string;
  movedTo?: string;
  message: string;
}

/** Our lines start with `_id` (and nedb's own markers with `$$`); valid JSON of another shape is damage too. */
function flagForeignLine(line: string): string {
  return line === '' || line.startsWith('{"_id":') || line.startsWith('{"$$') ? line : '\u0000foreign line';
}

export class NedbCollection<T extends Doc> {
  private db: Db | undefined;
  private appended = 0;
  private live = 0;

  private constructor(readonly path: string, readonly file: string) {}

  /** Opens (creating if missing) `<dataDir>/<file>`; returns its documents and any problems. */
  static async open<T extends Doc>(
    dataDir: string,
    file: string,
    valid: (doc: unknown) => doc is T,
  ): Promise<{ collection: NedbCollection<T>; docs: T[]; problems: CollectionProblem[] }> {
    const c = new NedbCollection<T>(join(dataDir, file), file);
    const problems: CollectionProblem[] = [];
    const loaded = await loadSalvaging(c.path, async () => {
      const db = c.create();
      await db.load();
      return db;
    });
    c.db = loaded.db;
    if (loaded.salvaged) {
      const { movedTo, recovered, lines, unreadable } = loaded.salvaged;
      problems.push({ store: file, movedTo, message: `${file}: ${unreadable} of ${lines} lines unreadable; ${recovered} records recovered, the original file is kept as ${movedTo}` });
    }
    if (loaded.unloadable !== undefined) {
      problems.push({ store: file, movedTo: loaded.unloadable, message: `${file}: the salvaged file could not be loaded either; the history starts empty` });
    }
    const all = (await c.db.find({})) as unknown[];
    const docs = all.filter(valid);
    if (docs.length < all.length) {
      const movedTo = await copyAside(c.path);
      await c.db.remove({ _id: { $nin: docs.map((d) => d._id) } }, { multi: true });
      problems.push({ store: file, movedTo, message: `${file}: ${all.length - docs.length} records of an unknown shape were removed; the original file is kept as ${movedTo}` });
    }
    c.live = docs.length;
    return { collection: c, docs, problems };
  }

  private create(): Db {
    return Datastore.create({ filename: this.path, corruptAlertThreshold: 0, beforeDeserialization: flagForeignLine, afterSerialization: (l: string) => l });
  }

  private get open(): Db {
    if (!this.db) throw new Error(`${this.file} is closed`);
    return this.db;
  }

  /** `doc` must have `_id` as its first key (see flagForeignLine). */
  async insert(doc: T): Promise<void> {
    await this.open.insert(doc);
    this.live++;
    this.appended++;
    await this.maybeCompact();
  }

  async replace(doc: T): Promise<void> {
    await this.open.update({ _id: doc._id }, doc, {});
    this.appended++;
    await this.maybeCompact();
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const n = await this.open.remove({ _id: { $in: ids } }, { multi: true });
    this.live -= n;
    this.appended += n;
    await this.maybeCompact();
  }

  private async maybeCompact(): Promise<void> {
    if (this.appended < COMPACT_MIN_LINES || this.appended < COMPACT_RATIO * this.live) return;
    await this.compact();
  }

  async compact(): Promise<void> {
    const original = (this.open as unknown as { __original?: { compactDatafileAsync?: () => Promise<void> } }).__original;
    if (typeof original?.compactDatafileAsync !== 'function') throw new Error('nedb-promises no longer exposes compactDatafileAsync');
    await original.compactDatafileAsync();
    this.appended = 0;
  }

  async close(): Promise<void> {
    if (!this.db) return;
    await this.compact();
    this.db = undefined;
  }
}

let counter = 0;
/** Sortable ids: time in base 36, a per-process counter, and random digits against other processes. */
export function newId(now: number): string {
  counter = (counter + 1) % 1_296;
  const random = Math.floor(Math.random() * 1_296).toString(36).padStart(2, '0');
  return `${now.toString(36).padStart(9, '0')}${counter.toString(36).padStart(2, '0')}${random}`;
}
