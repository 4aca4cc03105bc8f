/**
 * The alert history: persisted in `<dataDir>/alerts.db` (nedb), at most MAX_ALERTS alerts; the
 * oldest are shed beyond that and counted. Acknowledging rewrites the alert (an appended copy,
 * compacted later).
 */
import type { AlertDto, AlertKind, AlertListDto } from '../../contract/alerts.js';
import { NedbCollection, type CollectionProblem } from '../../persistence/nedb-collection.js';

export const MAX_ALERTS = 5_000;
export const ALERTS_FILE = 'alerts.db';
/** answers to alerts.list are capped at this many alerts */
export const MAX_LIST = 1_000;

type AlertDoc = { _id: string } & Omit<AlertDto, 'id'>;

const KINDS: ReadonlySet<AlertKind> = new Set(['offline', 'back-online', 'flapping', 'overdue', 'silent-topic', 'duplicate-client-id', 'group-offline']);

function isAlertDoc(v: unknown): v is AlertDoc {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    typeof d['_id'] === 'string' &&
    typeof d['kind'] === 'string' &&
    KINDS.has(d['kind'] as AlertKind) &&
    typeof d['title'] === 'string' &&
    typeof d['body'] === 'string' &&
    Array.isArray(d['deviceIds']) &&
    typeof d['at'] === 'number' &&
    typeof d['since'] === 'number' &&
    typeof d['acknowledged'] === 'boolean'
  );
}

function toDto(doc: AlertDoc): AlertDto {
  const { _id, ...rest } = doc;
  return {
    ...rest,
    id: _id,
    topicName: rest.topicName ?? null,
    group: rest.group ?? null,
    reason: rest.reason ?? null,
    acknowledgedAt: rest.acknowledgedAt ?? null,
    deviceIds: rest.deviceIds.filter((x): x is string => typeof x === 'string'),
  };
}

function toDoc(a: AlertDto): AlertDoc {
  const { id, ...rest } = a;
  return { _id: id, ...rest };
}

export class AlertStore {
  /** oldest first */
  private alerts: AlertDto[] = [];
  shed = 0;

  private constructor(
    private readonly collection: NedbCollection<AlertDoc>,
    readonly problems: CollectionProblem[],
    private readonly maxAlerts: number,
  ) {}

  static async open(dataDir: string, maxAlerts = MAX_ALERTS): Promise<AlertStore> {
    const { collection, docs, problems } = await NedbCollection.open<AlertDoc>(dataDir, ALERTS_FILE, isAlertDoc);
    const store = new AlertStore(collection, problems, maxAlerts);
    store.alerts = docs.map(toDto).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    await store.enforceBound();
    return store;
  }

  async add(alert: AlertDto): Promise<void> {
    this.alerts.push(alert);
    await this.collection.insert(toDoc(alert));
    await this.enforceBound();
  }

  /** Acknowledge the given alerts (all when `ids` is undefined); returns the ids that changed. */
  async acknowledge(ids: string[] | undefined, at: number): Promise<string[]> {
    const wanted = ids === undefined ? undefined : new Set(ids);
    const changed: string[] = [];
    for (const a of this.alerts) {
      if (a.acknowledged || (wanted && !wanted.has(a.id))) continue;
      a.acknowledged = true;
      a.acknowledgedAt = at;
      changed.push(a.id);
      await this.collection.replace(toDoc(a));
    }
    return changed;
  }

  list(opts: { limit?: number; unacknowledgedOnly?: boolean } = {}): AlertListDto {
    const limit = Math.min(Math.max(1, opts.limit ?? 200), MAX_LIST);
    const out: AlertDto[] = [];
    let unacknowledged = 0;
    for (let i = this.alerts.length - 1; i >= 0; i--) {
      const a = this.alerts[i] as AlertDto;
      if (!a.acknowledged) unacknowledged++;
      if (out.length < limit && (!opts.unacknowledgedOnly || !a.acknowledged)) out.push({ ...a });
    }
    return { alerts: out, total: this.alerts.length, unacknowledged, shed: this.shed, problems: this.problems.map((p) => p.message) };
  }

  private async enforceBound(): Promise<void> {
    const excess = this.alerts.length - this.maxAlerts;
    if (excess <= 0) return;
    const dropped = this.alerts.splice(0, excess);
    this.shed += dropped.length;
    await this.collection.remove(dropped.map((a) => a.id));
  }

  close(): Promise<void> {
    return this.collection.close();
  }
}
