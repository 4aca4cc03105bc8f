/**
 * What happens to a data file that cannot be read cleanly: the original is kept beside it as
 * `<name>.bad-<time>` (never wiped), every line that can still be read is salvaged into a fresh
 * file that replaces it atomically, and the caller reports what happened. The same helpers keep
 * aside (copyAside, moveAside) and replace (writeFileAtomic) the app's other data files.
 *
 * Salvage follows nedb's own file semantics: one JSON document per line, a later line with
 * the same `_id` replaces an earlier one, `{"$$deleted":true,"_id":…}` removes it. A line that
 * an interrupted append glued to the next one (a partial write, then a full line) still yields
 * the full document at its end.
 */

import { constants } from 'node:fs';
import { copyFile, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SalvageResult {
  /** the live documents, in file order of their last write */
  docs: Record<string, unknown>[];
  /** non-empty lines in the file */
  lines: number;
  /** lines that were not a readable nedb document (possibly with a document recovered from their end) */
  unreadable: number;
}

/** A file-name-safe timestamp (no ':' so the name also works on Windows). */
export function fileStamp(date = new Date()): string {
  return date.toISOString().replace(/:/g, '-');
}

function parseDocument(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { _id?: unknown })._id === 'string') {
      return value as Record<string, unknown>;
    }
  } catch {
    // not JSON: the caller counts the line as unreadable
  }
  return undefined;
}

/** Starts of documents we write ourselves: our docs begin with _id, nedb's deletion markers with $$deleted. */
const DOC_STARTS = ['{"_id":', '{"$$deleted":'];

function recoverTail(line: string): Record<string, unknown> | undefined {
  const starts: number[] = [];
  for (const marker of DOC_STARTS) {
    for (let at = line.indexOf(marker, 1); at > 0; at = line.indexOf(marker, at + 1)) starts.push(at);
  }
  starts.sort((a, b) => a - b);
  for (const at of starts) {
    const doc = parseDocument(line.slice(at));
    if (doc) return doc;
  }
  return undefined;
}

export function salvageText(text: string): SalvageResult {
  const byId = new Map<string, Record<string, unknown>>();
  let lines = 0;
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    lines++;
    let doc = parseDocument(line);
    if (!doc) {
      unreadable++;
      doc = recoverTail(line);
      if (!doc) continue;
    }
    const id = doc._id as string;
    byId.delete(id); // keep "order of last write"
    if (doc.$$deleted !== true) byId.set(id, doc);
  }
  return { docs: [...byId.values()], lines, unreadable };
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename durable. Some platforms cannot open or fsync a directory (Windows: EPERM/EISDIR); the rename is atomic there anyway. */
async function fsyncDir(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort, see above
  }
}

/** Copies `path` to a new `<path>.bad-<time>` (flushed to disk) and returns the copy's path. */
export async function copyAside(path: string, now = new Date()): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const target = `${path}.bad-${fileStamp(now)}${attempt === 0 ? '' : `-${attempt}`}`;
    try {
      await copyFile(path, target, constants.COPYFILE_EXCL);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 100) continue;
      throw err;
    }
    await fsyncFile(target);
    await fsyncDir(dirname(path));
    return target;
  }
}

/** Moves `path` to a new `<path>.bad-<time><suffix>` (the original is not kept in place) and returns that path. */
export async function moveAside(path: string, suffix = '', now = new Date()): Promise<string> {
  const target = `${path}.bad-${fileStamp(now)}${suffix}`;
  await rename(path, target);
  await fsyncDir(dirname(path));
  return target;
}

/** Replaces `path` with `data` atomically: temp file, fsync, rename, fsync the directory. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await fsyncDir(dirname(path));
}

/** Replaces `path` with `lines` atomically (see writeFileAtomic). */
export async function replaceWithLines(path: string, lines: string[]): Promise<void> {
  await writeFileAtomic(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}

/** The rejection of nedb's load() for a line it cannot read (with `corruptAlertThreshold: 0`). */
export function isCorruptionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'corruptItems' in err;
}

export interface SalvagedFile {
  /** where the damaged original was kept */
  movedTo: string;
  /** documents written back */
  recovered: number;
  /** non-empty lines of the damaged file */
  lines: number;
  /** lines that were not a readable document */
  unreadable: number;
}

/** Keeps a damaged nedb file aside and replaces it with the documents that can still be read. */
export async function salvageFile(path: string): Promise<SalvagedFile> {
  const { docs, lines, unreadable } = salvageText(await readFile(path, 'utf8'));
  const movedTo = await copyAside(path);
  // _id first again: that is how every line of ours starts
  await replaceWithLines(path, docs.map((d) => JSON.stringify({ _id: d['_id'], ...d })));
  return { movedTo, recovered: docs.length, lines, unreadable };
}

export interface SalvagingLoad<D> {
  db: D;
  /** the file was damaged and salvaged before it loaded */
  salvaged?: SalvagedFile;
  /** even the salvaged file did not load: it was moved here and the store starts empty */
  unloadable?: string;
}

/**
 * Loads an nedb file through `load` (which creates and loads a fresh datastore on each call).
 * A damaged file is salvaged and loaded again; if even that fails, it is moved aside as
 * `<file>.bad-<time>-unloadable` and an empty store is loaded. Never loses readable data.
 */
export async function loadSalvaging<D>(path: string, load: () => Promise<D>): Promise<SalvagingLoad<D>> {
  try {
    return { db: await load() };
  } catch (err) {
    if (!isCorruptionError(err)) throw err;
  }
  const salvaged = await salvageFile(path);
  try {
    return { db: await load(), salvaged };
  } catch (err) {
    if (!isCorruptionError(err)) throw err;
  }
  const unloadable = await moveAside(path, '-unloadable');
  return { db: await load(), salvaged, unloadable };
}
