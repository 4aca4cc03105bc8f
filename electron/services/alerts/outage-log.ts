/**
 * The outage log: one entry per time a device was down (offline or overdue), with start, end,
 * duration and reason; persisted in `<dataDir>/outages.db`. Bounded per device
 * (MAX_OUTAGES_PER_DEVICE) and in total (MAX_OUTAGES); the oldest are shed and counted.
 */
import type { OutageDto, StatusReason } from '../../contract/fleet.js';
import { NedbCollection, newId, type CollectionProblem } from '../../persistence/nedb-collection.js';

export const MAX_OUTAGES_PER_DEVICE = 200;
export const MAX_OUTAGES = 50_000;
export const OUTAGES_FILE = 'outages.db';

type OutageDoc = { _id: string } & OutageDto;

function isOutageDoc(v: unknown): v is OutageDoc {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return typeof d['_id'] === 'string' && typeof d['deviceId'] === 'string' && typeof d['start'] === 'number' && typeof d['reason'] === 'string' && (d['end'] === null || typeof d['end'] === 'number');
}

function plain(doc: OutageDoc): OutageDto {
  return { deviceId: doc.deviceId, start: doc.start, end: doc.end, durationMs: doc.durationMs ?? null, reason: doc.reason };
}

export class OutageLog {
  /** per device, oldest first */
  private byDevice = new Map<string, OutageDoc[]>();
  private total = 0;
  shed = 0;
  private shedByDevice = new Map<string, number>();

  private constructor(
    private readonly collection: NedbCollection<OutageDoc>,
    readonly problems: CollectionProblem[],
    private readonly perDevice: number,
    private readonly maxTotal: number,
  ) {}

  static async open(dataDir: string, perDevice = MAX_OUTAGES_PER_DEVICE, maxTotal = MAX_OUTAGES): Promise<OutageLog> {
    const { collection, docs, problems } = await NedbCollection.open<OutageDoc>(dataDir, OUTAGES_FILE, isOutageDoc);
    const log = new OutageLog(collection, problems, perDevice, maxTotal);
    docs.sort((a, b) => a.start - b.start);
    for (const doc of docs) log.index(doc);
    await log.enforceBounds(undefined);
    return log;
  }

  private index(doc: OutageDoc): void {
    const list = this.byDevice.get(doc.deviceId) ?? [];
    list.push(doc);
    this.byDevice.set(doc.deviceId, list);
    this.total++;
  }

  /** The device's open outage, if it is down. */
  open(deviceId: string): OutageDto | undefined {
    const last = this.byDevice.get(deviceId)?.at(-1);
    return last && last.end === null ? plain(last) : undefined;
  }

  async start(deviceId: string, start: number, reason: StatusReason): Promise<void> {
    if (this.open(deviceId)) return;
    const doc: OutageDoc = { _id: newId(start), deviceId, start, end: null, durationMs: null, reason };
    this.index(doc);
    await this.collection.insert(doc);
    await this.enforceBounds(deviceId);
  }

  async end(deviceId: string, end: number): Promise<OutageDto | undefined> {
    const last = this.byDevice.get(deviceId)?.at(-1);
    if (!last || last.end !== null) return undefined;
    last.end = Math.max(end, last.start);
    last.durationMs = last.end - last.start;
    await this.collection.replace(last);
    return plain(last);
  }

  /** most recent first */
  list(deviceId: string): { items: OutageDto[]; shed: number } {
    const items = (this.byDevice.get(deviceId) ?? []).slice().reverse().map(plain);
    return { items, shed: this.shedByDevice.get(deviceId) ?? 0 };
  }

  /** every outage, oldest first */
  all(): OutageDto[] {
    const out: OutageDto[] = [];
    for (const list of this.byDevice.values()) for (const doc of list) out.push(plain(doc));
    return out.sort((a, b) => a.start - b.start);
  }

  private async enforceBounds(deviceId: string | undefined): Promise<void> {
    const drop: string[] = [];
    const devices = deviceId === undefined ? [...this.byDevice.keys()] : [deviceId];
    for (const id of devices) {
      const list = this.byDevice.get(id) ?? [];
      while (list.length > this.perDevice) drop.push(this.shedOne(id, list));
    }
    while (this.total > this.maxTotal) {
      let oldestId: string | undefined;
      let oldestStart = Infinity;
      for (const [id, list] of this.byDevice) {
        const first = list[0];
        if (first && first.start < oldestStart) {
          oldestStart = first.start;
          oldestId = id;
        }
      }
      if (oldestId === undefined) break;
      drop.push(this.shedOne(oldestId, this.byDevice.get(oldestId) ?? []));
    }
    await this.collection.remove(drop);
  }

  private shedOne(deviceId: string, list: OutageDoc[]): string {
    const doc = list.shift() as OutageDoc;
    if (list.length === 0) this.byDevice.delete(deviceId);
    this.total--;
    this.shed++;
    this.shedByDevice.set(deviceId, (this.shedByDevice.get(deviceId) ?? 0) + 1);
    return doc._id;
  }

  close(): Promise<void> {
    return this.collection.close();
  }
}
