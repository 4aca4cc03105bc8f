/**
 * The series catalog (`<history>/series.db`, nedb): which series have history, where their
 * files are, and who published them last. Small: one document per series ever charted within
 * the retention (bounded by maxCatalog), rewritten only when a series' publisher changes.
 */

import { randomBytes } from 'node:crypto';
import type { NedbCollection } from '../../persistence/nedb-collection.js';

export interface SeriesDoc {
  /** also the directory name of the series' segment files */
  _id: string;
  key: string;
  topicName: string;
  path: string[];
  publisherId: string | null;
  createdAt: number;
}

export function isSeriesDoc(doc: unknown): doc is SeriesDoc {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Record<string, unknown>;
  return (
    typeof d['_id'] === 'string' &&
    /^[a-z0-9-]{4,40}$/.test(d['_id']) &&
    typeof d['key'] === 'string' &&
    typeof d['topicName'] === 'string' &&
    Array.isArray(d['path']) &&
    d['path'].every((s) => typeof s === 'string') &&
    d['key'] === seriesKey(d['topicName'], d['path'] as string[]) &&
    (d['publisherId'] === null || typeof d['publisherId'] === 'string') &&
    typeof d['createdAt'] === 'number'
  );
}

/** The key of a series everywhere (contract: ChartSeriesDto.key). */
export function seriesKey(topicName: string, path: readonly string[]): string {
  return JSON.stringify([topicName, ...path]);
}

export function newFileId(now: number): string {
  return `${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

export class Catalog {
  readonly #byKey = new Map<string, SeriesDoc>();

  constructor(
    private readonly store: NedbCollection<SeriesDoc>,
    docs: SeriesDoc[],
  ) {
    for (const d of docs) this.#byKey.set(d.key, d);
  }

  get(key: string): SeriesDoc | undefined {
    return this.#byKey.get(key);
  }

  all(): SeriesDoc[] {
    return [...this.#byKey.values()];
  }

  get size(): number {
    return this.#byKey.size;
  }

  async add(topicName: string, path: string[], now: number): Promise<SeriesDoc> {
    const key = seriesKey(topicName, path);
    const existing = this.#byKey.get(key);
    if (existing) return existing;
    const doc: SeriesDoc = { _id: newFileId(now), key, topicName, path: [...path], publisherId: null, createdAt: now };
    await this.store.insert(doc);
    this.#byKey.set(key, doc);
    return doc;
  }

  async setPublisher(key: string, publisherId: string): Promise<void> {
    const doc = this.#byKey.get(key);
    if (!doc || doc.publisherId === publisherId) return;
    doc.publisherId = publisherId;
    await this.store.replace({ ...doc });
  }

  async remove(key: string): Promise<void> {
    const doc = this.#byKey.get(key);
    if (!doc) return;
    this.#byKey.delete(key);
    await this.store.remove([doc._id]);
  }
}
