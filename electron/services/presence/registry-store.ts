/**
 * The device registry kept across restarts in `<dataDir>/devices.db` (nedb): identity, links,
 * first/last seen, reconnect count, the latest session, the last telemetry and the small
 * trackers (trackers.ts: flapping window, learned wake interval, take-overs, announced sleep).
 * Saved every SAVE_MS for the
 * devices whose status or identity changed, and on close. A session still live at the last save
 * was ended by the restart: it comes back as offline, "broker restarted".
 */
import type { ConventionId, SessionDto, TelemetryDto } from '../../contract/fleet.js';
import { NedbCollection, type CollectionProblem } from '../../persistence/nedb-collection.js';
import type { DeviceRecord } from './device.js';
import { trackersOf, type PersistedTrackers } from './trackers.js';

export const DEVICES_FILE = 'devices.db';
export const SAVE_MS = 10_000;

export interface PersistedDevice {
  _id: string;
  clientId: string | null;
  name: string;
  convention: ConventionId | null;
  availabilityTopics: string[];
  firstSeen: number | null;
  lastSeen: number | null;
  reconnectCount: number;
  /** the latest session, live (endedAt null) or ended */
  session: SessionDto | null;
  telemetry: TelemetryDto;
  /** absent in files from before trackers were kept; checked on its own by parseTrackers */
  trackers?: PersistedTrackers;
  savedAt: number;
}

function isPersisted(v: unknown): v is PersistedDevice {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  const s = d['session'];
  return (
    typeof d['_id'] === 'string' &&
    typeof d['name'] === 'string' &&
    Array.isArray(d['availabilityTopics']) &&
    (d['availabilityTopics'] as unknown[]).every((t) => typeof t === 'string') &&
    typeof d['reconnectCount'] === 'number' &&
    typeof d['savedAt'] === 'number' &&
    typeof d['telemetry'] === 'object' &&
    d['telemetry'] !== null &&
    (s === null || (typeof s === 'object' && typeof (s as Record<string, unknown>)['connectedAt'] === 'number' && typeof (s as Record<string, unknown>)['address'] === 'string'))
  );
}

export function toPersisted(d: DeviceRecord, now: number): PersistedDevice {
  const session = d.session ?? d.lastEnded;
  return {
    _id: d.id,
    clientId: d.clientId,
    name: d.name,
    convention: d.convention,
    availabilityTopics: d.availabilityTopics.slice(),
    firstSeen: d.firstSeen,
    lastSeen: d.lastSeen,
    reconnectCount: d.reconnectCount,
    session: session ? { ...session, will: session.will ? { ...session.will } : null } : null,
    telemetry: { ...d.telemetry },
    trackers: trackersOf(d),
    savedAt: now,
  };
}

export class RegistryStore {
  private readonly known = new Set<string>();

  private constructor(private readonly collection: NedbCollection<PersistedDevice>, readonly problems: CollectionProblem[]) {}

  static async open(dataDir: string): Promise<{ store: RegistryStore; devices: PersistedDevice[] }> {
    const { collection, docs, problems } = await NedbCollection.open<PersistedDevice>(dataDir, DEVICES_FILE, isPersisted);
    const store = new RegistryStore(collection, problems);
    for (const d of docs) store.known.add(d._id);
    return { store, devices: docs };
  }

  async save(devices: PersistedDevice[], removed: string[]): Promise<void> {
    for (const d of devices) {
      if (this.known.has(d._id)) await this.collection.replace(d);
      else {
        this.known.add(d._id);
        await this.collection.insert(d);
      }
    }
    const gone = removed.filter((id) => this.known.delete(id));
    await this.collection.remove(gone);
  }

  close(): Promise<void> {
    return this.collection.close();
  }
}
