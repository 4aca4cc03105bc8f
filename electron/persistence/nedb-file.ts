/**
 * nedb's data file format, read and written by our own code for the broker's stores.
 *
 * Why not through nedb-promises (a documented exception, see ARCHITECTURE.md, Persistence): the
 * broker already holds every live record in memory, and nedb keeps a second, indexed copy of each
 * document that costs more than the work itself. Measured on 100,000 retained messages + 1,000
 * sessions: nedb's load took ~1.3 s of a 2.1 s start (a promise per line, a reviver per key, an
 * AVL insert and deep copy per document) and ~160 MB of RSS; every acknowledged queued message
 * cost an AVL delete, a serialized `$$deleted` document behind an `await`, and a `$in` scan; a
 * compaction serialized every document in one synchronous loop (0.2–0.5 s per 100,000 records,
 * blocking the event loop). Reading the file ourselves is one JSON.parse per line; writing is
 * one append of pre-serialized lines per batch; a rewrite writes pre-serialized lines in slices.
 *
 * The files stay exactly nedb's (tests/electron/persistence/nedb-format.test.ts loads ours with
 * nedb-promises and ours loads nedb's):
 * - one JSON document per line; a later line with the same `_id` replaces an earlier one;
 * - `{"$$deleted":true,"_id":…}` removes the document with that `_id`;
 * - a rewrite goes to `<file>~`, is fsync'd and renamed over the file (the directory fsync'd
 *   before and after, as nedb's crashSafeWriteFileLinesAsync); a load that finds only `<file>~`
 *   (a crash between nedb's two renames) takes it, as nedb's ensureDatafileIntegrity does.
 */

import { statSync } from 'node:fs';
import { access, type FileHandle, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DocBody } from './nedb-kinds.js';

/** One live document as read: what the caller's `decode` made of it, and its line (kept for rewrites). */
export interface FileDoc<T> {
  value: T;
  line: string;
}

export interface ParsedFile<T> {
  /** live documents by `_id`, in file order of their last write */
  docs: Map<string, FileDoc<T>>;
  /** non-empty lines read: live documents plus replaced and deleted ones */
  lines: number;
  /** the text ends inside a line (no final newline): an append would glue onto it */
  unterminated: boolean;
}

/**
 * A file with unreadable lines. Carries `corruptItems` like nedb's own load error, so the shared
 * salvage path (salvage.ts, loadSalvaging) treats both alike.
 */
export class CorruptFileError extends Error {
  constructor(
    readonly corruptItems: number,
    readonly dataLength: number,
    path: string,
  ) {
    super(`${path}: ${corruptItems} of ${dataLength} lines unreadable`);
  }
}

/**
 * Our documents start with `_id`, nedb's deletion markers with `$$deleted`. Anything else (valid
 * JSON included, which nedb would drop without a word) counts as damage, so it is salvaged and
 * reported rather than silently lost.
 */
function isOwnLine(line: string): boolean {
  return line.startsWith('{"_id":') || line.startsWith('{"$$deleted":');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** nedb's ensureDatafileIntegrity: a missing file is created, or taken from `<file>~`. */
async function ensureFile(path: string): Promise<void> {
  if (await exists(path)) return;
  if (await exists(`${path}~`)) await rename(`${path}~`, path);
  else await writeFile(path, '', { flag: 'wx' }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
}

/**
 * Parses nedb's format: later lines win, deletion markers remove; throws CorruptFileError on any
 * unreadable line. Each document is handed to `decode` as soon as it is read, so that no parsed
 * object outlives its line (the peak memory of loading 100,000 records).
 */
export function parseNedbText<T>(text: string, path: string, decode: (doc: DocBody) => T): ParsedFile<T> {
  const docs = new Map<string, FileDoc<T>>();
  let lines = 0;
  let corrupt = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const line = text.slice(start, end);
      lines++;
      const doc = isOwnLine(line) ? parseLine(line) : undefined;
      if (doc === undefined) {
        corrupt++;
      } else if (doc._id !== undefined && doc._id !== null && doc._id !== '' && doc._id !== 0 && doc._id !== false) {
        // nedb: `if (doc._id)`, then `$$deleted === true` deletes, anything else sets
        const id = String(doc._id);
        docs.delete(id); // keep "file order of last write"
        if (doc.$$deleted !== true) docs.set(id, { value: decode(doc), line });
      }
    }
    start = end + 1;
  }
  if (corrupt > 0) throw new CorruptFileError(corrupt, lines, path);
  return { docs, lines, unterminated: text.length > 0 && !text.endsWith('\n') };
}

function parseLine(line: string): DocBody | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as DocBody) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads (creating if missing) an nedb data file. Rejects with CorruptFileError when a line is unreadable. */
export async function readNedbFile<T>(path: string, decode: (doc: DocBody) => T): Promise<ParsedFile<T>> {
  await ensureFile(path);
  return parseNedbText(await readFile(path, 'utf8'), path, decode);
}

/**
 * The line of a document: `_id` first (how every line of ours starts), then the body's fields.
 * `id` is one of our base-36 version ids: nothing in it needs escaping.
 */
export function documentLine(id: string, body: DocBody): string {
  const rest = JSON.stringify(body);
  return rest === '{}' ? `{"_id":"${id}"}` : `{"_id":"${id}",${rest.slice(1)}`;
}

/** nedb's deletion marker for one of our base-36 ids (as its model.serialize writes it). */
export function deletionLine(id: string): string {
  return `{"$$deleted":true,"_id":"${id}"}`;
}

/** nedb's deletion marker for any `_id` found in a file (e.g. one of an invalid record). */
export function deletionLineOf(id: unknown): string {
  return `{"$$deleted":true,"_id":${JSON.stringify(id)}}`;
}

/**
 * Appends complete lines (each followed by a newline) to one data file through a handle kept open between batches: one write per batch
 * instead of nedb's open + write + close (three thread-pool round trips before an acknowledgement
 * can go out). Before each append the path is checked with a stat (a few µs, synchronous so that
 * no other write can slip in between): if the file was replaced or removed, the handle is
 * reopened on whatever is at the path now — exactly what an open per append does — so that, as
 * with nedb, writing to a path that is no longer a file fails instead of vanishing into an
 * unlinked inode.
 */
export class Appender {
  private handle: FileHandle | undefined = undefined;
  private dev = -1;
  private ino = -1;

  constructor(readonly path: string) {}

  async append(text: string): Promise<void> {
    const now = statSync(this.path, { throwIfNoEntry: false });
    if (this.handle === undefined || now === undefined || now.ino !== this.ino || now.dev !== this.dev) {
      await this.close();
      const handle = await open(this.path, 'a');
      try {
        const opened = await handle.stat();
        if (!opened.isFile()) throw Object.assign(new Error(`${this.path} is not a file`), { code: 'EISDIR' });
        this.dev = opened.dev;
        this.ino = opened.ino;
      } catch (err) {
        await handle.close();
        throw err;
      }
      this.handle = handle;
    }
    try {
      await this.handle.appendFile(text, 'utf8');
    } catch (err) {
      await this.close(); // reopen on the next append
      throw err;
    }
  }

  /** Closes the handle (before a rewrite renames another file over the path, and at shutdown). */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}

/** Lines per write while rewriting: the event loop is free between slices (a 100,000-record file is ~40 slices). */
const REWRITE_SLICE = 2500;

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Some platforms cannot open or fsync a directory (nedb ignores that too); the rename stays atomic. */
async function fsyncDir(path: string): Promise<void> {
  await fsyncPath(path, 'r').catch(() => undefined);
}

/**
 * Replaces the file with `lines`, crash-safely in nedb's order: fsync the directory and the old
 * file, write `<file>~` in slices, fsync it, rename it over the file, fsync the directory.
 */
export async function rewriteNedbFile(path: string, lines: readonly string[]): Promise<void> {
  const temp = `${path}~`;
  await fsyncDir(dirname(path));
  if (await exists(path)) await fsyncPath(path, 'r+');
  const handle = await open(temp, 'w');
  try {
    for (let i = 0; i < lines.length; i += REWRITE_SLICE) {
      const end = Math.min(i + REWRITE_SLICE, lines.length);
      let text = '';
      for (let j = i; j < end; j++) text += `${lines[j] as string}\n`;
      await handle.writeFile(text);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDir(dirname(path));
}
