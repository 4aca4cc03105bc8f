/**
 * Offline and sleeping periods of the clients that publish charted series, and broker restart
 * markers, so a chart can shade its gaps.
 *
 * Sources: the broker's `client.disconnected` / `client.connected` for the publisher's client
 * id (always), refined by the presence service when it is attached (presence-feed.ts): it knows
 * that a Tasmota in deep sleep or a Homie device `$state = sleeping` is asleep, not broken.
 *
 * Persisted in `<history>/events.db` (nedb: a few small documents per disconnect). Bounds:
 * maxPeriodsPerClient per client (oldest shed, counted), periods older than the longest
 * retention removed, maxRestarts markers.
 */

import type { LivePeriodDto, PeriodDto, PeriodKind, RestartMarkerDto } from '../../contract/charts.js';
import { newId, type NedbCollection } from '../../persistence/nedb-collection.js';

export interface PeriodDoc {
  _id: string;
  type: 'period';
  clientId: string;
  kind: PeriodKind;
  start: number;
  end: number | null;
  reason: string | null;
}

export interface RestartDoc {
  _id: string;
  type: 'restart';
  at: number;
  downSince: number | null;
}

export interface HeartbeatDoc {
  _id: 'heartbeat';
  type: 'heartbeat';
  at: number;
}

export type EventDoc = PeriodDoc | RestartDoc | HeartbeatDoc;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);

export function isEventDoc(doc: unknown): doc is EventDoc {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Record<string, unknown>;
  if (typeof d['_id'] !== 'string') return false;
  switch (d['type']) {
    case 'period':
      return (
        typeof d['clientId'] === 'string' &&
        (d['kind'] === 'offline' || d['kind'] === 'sleeping') &&
        isNum(d['start']) &&
        isNumOrNull(d['end']) &&
        (d['reason'] === null || typeof d['reason'] === 'string')
      );
    case 'restart':
      return isNum(d['at']) && isNumOrNull(d['downSince']);
    case 'heartbeat':
      return d['_id'] === 'heartbeat' && isNum(d['at']);
    default:
      return false;
  }
}

function toDto(p: PeriodDoc): PeriodDto {
  return { kind: p.kind, start: p.start, end: p.end, reason: p.reason };
}

export interface PeriodLimits {
  maxPeriodsPerClient: number;
  maxRestarts: number;
}

/** Writes are fire-and-forget from event handlers; failures are reported, never thrown at the broker. */
export type Persist = (work: () => Promise<void>) => void;

export class PeriodTracker {
  /** per client, oldest first; the last one may be open */
  readonly #byClient = new Map<string, PeriodDoc[]>();
  readonly #restarts: RestartDoc[] = [];
  #changes: LivePeriodDto[] = [];
  shed = 0;

  constructor(
    private readonly store: NedbCollection<EventDoc>,
    private readonly limits: PeriodLimits,
    private readonly persist: Persist,
  ) {}

  /**
   * Loads saved periods and markers, closes periods left open by the previous run at the last
   * moment it was known to run, and records this start as a restart marker.
   */
  async start(docs: EventDoc[], now: number): Promise<RestartMarkerDto> {
    let downSince: number | null = null;
    for (const d of docs) {
      if (d.type === 'heartbeat') downSince = d.at;
      else if (d.type === 'restart') this.#restarts.push(d);
    }
    // The collection replaces without upsert: the heartbeat document must exist first.
    if (downSince === null) await this.store.insert({ _id: 'heartbeat', type: 'heartbeat', at: now });
    for (const d of docs) {
      if (d.type !== 'period') continue;
      if (d.end === null) {
        d.end = Math.max(d.start, downSince ?? d.start);
        await this.store.replace(d);
      }
      this.#list(d.clientId).push(d);
    }
    for (const list of this.#byClient.values()) list.sort((a, b) => a.start - b.start);
    this.#restarts.sort((a, b) => a.at - b.at);
    const marker: RestartDoc = { _id: newId(now), type: 'restart', at: now, downSince };
    this.#restarts.push(marker);
    await this.store.insert(marker);
    while (this.#restarts.length > this.limits.maxRestarts) {
      const old = this.#restarts.shift();
      if (old) await this.store.remove([old._id]);
    }
    return { at: marker.at, downSince: marker.downSince };
  }

  #list(clientId: string): PeriodDoc[] {
    let list = this.#byClient.get(clientId);
    if (!list) this.#byClient.set(clientId, (list = []));
    return list;
  }

  #open(clientId: string): PeriodDoc | undefined {
    const last = this.#byClient.get(clientId)?.at(-1);
    return last && last.end === null ? last : undefined;
  }

  #changed(p: PeriodDoc): void {
    this.#changes.push({ clientId: p.clientId, period: toDto(p) });
    const copy = { ...p };
    this.persist(() => this.store.replace(copy));
  }

  #begin(clientId: string, kind: PeriodKind, at: number, reason: string | null): void {
    const p: PeriodDoc = { _id: newId(at), type: 'period', clientId, kind, start: at, end: null, reason };
    const list = this.#list(clientId);
    list.push(p);
    this.#changes.push({ clientId, period: toDto(p) });
    const copy = { ...p };
    this.persist(() => this.store.insert(copy));
    if (list.length > this.limits.maxPeriodsPerClient) {
      const old = list.shift();
      this.shed++;
      if (old) this.persist(() => this.store.remove([old._id]));
    }
  }

  #end(clientId: string, at: number): void {
    const p = this.#open(clientId);
    if (!p) return;
    p.end = Math.max(p.start, at);
    this.#changed(p);
  }

  /** The broker saw the session end. */
  disconnected(clientId: string, reason: string, at: number): void {
    if (this.#open(clientId)) return;
    this.#begin(clientId, 'offline', at, reason);
  }

  connected(clientId: string, at: number): void {
    this.#end(clientId, at);
  }

  /** The presence service's view: it can tell sleep from failure. */
  presence(clientId: string, status: 'offline' | 'sleeping' | 'online', at: number, reason: string | null): void {
    if (status === 'online') {
      this.#end(clientId, at);
      return;
    }
    const open = this.#open(clientId);
    if (!open) {
      this.#begin(clientId, status, at, reason);
    } else if (open.kind !== status) {
      open.kind = status;
      if (reason !== null) open.reason = reason;
      this.#changed(open);
    }
  }

  /** Periods of a client that overlap [from, to], oldest first. */
  periodsOf(clientId: string | null, from: number, to: number): PeriodDto[] {
    if (clientId === null) return [];
    const list = this.#byClient.get(clientId) ?? [];
    return list.filter((p) => p.start <= to && (p.end === null || p.end >= from)).map(toDto);
  }

  restarts(from: number, to: number): RestartMarkerDto[] {
    return this.#restarts.filter((r) => r.at >= from && r.at <= to).map((r) => ({ at: r.at, downSince: r.downSince }));
  }

  takeChanges(): LivePeriodDto[] {
    const out = this.#changes;
    this.#changes = [];
    return out;
  }

  /** Removes periods that ended before `cutoff`. */
  prune(cutoff: number): void {
    const gone: string[] = [];
    for (const [clientId, list] of this.#byClient) {
      const keep = list.filter((p) => p.end === null || p.end >= cutoff);
      for (const p of list) if (!keep.includes(p)) gone.push(p._id);
      if (keep.length === 0) this.#byClient.delete(clientId);
      else this.#byClient.set(clientId, keep);
    }
    if (gone.length > 0) this.persist(() => this.store.remove(gone));
  }

  heartbeat(at: number): Promise<void> {
    return this.store.replace({ _id: 'heartbeat', type: 'heartbeat', at });
  }
}
