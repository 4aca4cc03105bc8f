/**
 * Which devices were alerted about in their current outage (or flapping/overdue episode), kept
 * in `<dataDir>/alert-memory.db` so that a device alerted before a restart still gets its ONE
 * "back online" alert after it. Changes are collected and written in one batch per flush (the
 * service queues a flush on its write chain; alerts are rare, so batches stay small). At most
 * MAX_REMEMBERED devices (the registry's own bound); the oldest are shed and counted. A damaged
 * file is salvaged and moved aside like every nedb file (nedb-collection.ts).
 */
import { NedbCollection, type CollectionProblem } from '../../persistence/nedb-collection.js';

export const ALERT_MEMORY_FILE = 'alert-memory.db';
export const MAX_REMEMBERED = 10_000;

interface MemoryDoc {
  _id: string;
  since: number;
}

function isMemoryDoc(v: unknown): v is MemoryDoc {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return typeof d['_id'] === 'string' && typeof d['since'] === 'number' && Number.isFinite(d['since']);
}

export class AlertMemory {
  /** what is on disk (or being written) */
  private readonly saved = new Map<string, number>();
  /** changes not yet written: since, or null to forget */
  private readonly pending = new Map<string, number | null>();
  /** entries pushed out by the bound */
  shed = 0;

  private constructor(
    private readonly collection: NedbCollection<MemoryDoc>,
    readonly problems: CollectionProblem[],
    private readonly max: number,
  ) {}

  static async open(dataDir: string, max = MAX_REMEMBERED): Promise<AlertMemory> {
    const { collection, docs, problems } = await NedbCollection.open<MemoryDoc>(dataDir, ALERT_MEMORY_FILE, isMemoryDoc);
    const memory = new AlertMemory(collection, problems, max);
    for (const d of docs) memory.saved.set(d._id, d.since);
    return memory;
  }

  /** The remembered devices with the start of the alerted outage, newest last. */
  entries(): Array<[string, number]> {
    return [...this.saved].sort((a, b) => a[1] - b[1]);
  }

  note(deviceId: string, since: number | null): void {
    this.pending.set(deviceId, since);
  }

  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Writes every change noted so far (one batch). */
  async flush(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    const removed: string[] = [];
    for (const [id, since] of batch) {
      const known = this.saved.has(id);
      if (since === null) {
        if (known) removed.push(id);
        this.saved.delete(id);
      } else if (known) {
        this.saved.set(id, since);
        await this.collection.replace({ _id: id, since });
      } else {
        this.saved.set(id, since);
        await this.collection.insert({ _id: id, since });
      }
    }
    while (this.saved.size > this.max) {
      const oldest = this.entries()[0];
      if (!oldest) break;
      this.saved.delete(oldest[0]);
      removed.push(oldest[0]);
      this.shed++;
    }
    await this.collection.remove(removed);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.collection.close();
  }
}
