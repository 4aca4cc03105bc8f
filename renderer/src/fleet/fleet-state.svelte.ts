/**
 * The fleet view's state in the renderer: every device's summary (from one snapshot, then the
 * batched `fleet.delta` events), the sort and filters, the selected device's detail, and the
 * alert list. `fleet.delta` is subscribed before the snapshot is asked for; deltas that arrive
 * meanwhile wait, and only those newer than the snapshot are applied. A reconnect, or events the
 * host shed for this page, reload the snapshot.
 */
import type { AlertDto, AlertListDto, AlertSettingsDto, DeviceDetailDto, DeviceStatus, DeviceSummaryDto, FleetDeltaDto, PresenceSettingsDto } from '../../../electron/contract/index.js';
import type { Transport } from '../lib/transport.js';
import { REASON_TEXT, STATUS_RANK } from './words.js';
import { downloadText } from '../lib/download.js';
import { errorText } from '../lib/errors.js';

export type SortKey = 'id' | 'name' | 'status' | 'reason' | 'lastSeen' | 'rssiDbm' | 'uptimeSec' | 'freeHeapBytes' | 'ip' | 'firmware' | 'detectionDelayMs' | 'reconnectCount' | 'convention';

/** alerts kept in the page's list (the history itself lives in the main process) */
const MAX_ALERTS_SHOWN = 200;
/** the device page refreshes at most this often while its device keeps changing */
const DETAIL_REFRESH_MS = 1000;

/** one collator for every comparison: `localeCompare` builds one per call, which dominates sorting */
const collator = new Intl.Collator('en', { numeric: true });

function compare(a: DeviceSummaryDto, b: DeviceSummaryDto, key: SortKey): number {
  const pick = (d: DeviceSummaryDto): string | number | null => {
    switch (key) {
      case 'status':
        return STATUS_RANK[d.status];
      case 'rssiDbm':
      case 'uptimeSec':
      case 'freeHeapBytes':
      case 'ip':
      case 'firmware':
        return d.telemetry[key];
      case 'lastSeen':
        return d.connected ? Number.MAX_SAFE_INTEGER : d.lastSeen;
      case 'reason':
        return REASON_TEXT[d.reason];
      default:
        return d[key];
    }
  };
  const x = pick(a);
  const y = pick(b);
  // Unknown values sort last in both directions.
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return collator.compare(String(x), String(y));
}

export class FleetState {
  /** bumps whenever device data changed */
  version = $state(0);
  loaded = $state(false);
  error = $state<string | null>(null);
  sortKey = $state<SortKey>('status');
  sortAsc = $state(true);
  text = $state('');
  status = $state<DeviceStatus | 'all'>('all');
  flaggedOnly = $state(false);
  shed = $state(0);
  selectedId = $state<string | null>(null);
  detail = $state<DeviceDetailDto | null>(null);
  alerts = $state<AlertDto[]>([]);
  alertInfo = $state<Omit<AlertListDto, 'alerts'> | null>(null);
  presenceSettings = $state<PresenceSettingsDto | null>(null);
  alertSettings = $state<AlertSettingsDto | null>(null);
  /** the last settings change the main process refused, with its reason */
  settingsError = $state<string | null>(null);

  readonly #transport: Transport;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plain on purpose: `version` signals changes
  readonly #devices = new Map<string, DeviceSummaryDto>();
  #waiting: FleetDeltaDto[] | null = null;
  #detailTimer: ReturnType<typeof setTimeout> | null = null;
  #lastDetailAt = 0;
  #shedSeen = 0;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  readonly rows: DeviceSummaryDto[] = $derived.by(() => {
    void this.version;
    const text = this.text.trim().toLowerCase();
    const out: DeviceSummaryDto[] = [];
    for (const d of this.#devices.values()) {
      if (this.status !== 'all' && d.status !== this.status) continue;
      if (this.flaggedOnly && d.flags.length === 0) continue;
      if (text !== '' && !`${d.id} ${d.name} ${d.telemetry.ip ?? ''} ${d.telemetry.firmware ?? ''} ${d.convention ?? ''} ${d.group ?? ''}`.toLowerCase().includes(text)) continue;
      out.push(d);
    }
    const key = this.sortKey;
    const dir = this.sortAsc ? 1 : -1;
    out.sort((a, b) => dir * compare(a, b, key) || collator.compare(a.id, b.id));
    return out;
  });

  readonly counts = $derived.by(() => {
    void this.version;
    const c: Record<DeviceStatus, number> = { online: 0, offline: 0, sleeping: 0, overdue: 0, flapping: 0, 'never-seen': 0 };
    for (const d of this.#devices.values()) c[d.status]++;
    return c;
  });

  get total(): number {
    void this.version;
    return this.#devices.size;
  }

  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.sortAsc = !this.sortAsc;
    else {
      this.sortKey = key;
      this.sortAsc = true;
    }
  }

  /** Subscribe, load, and keep up to date; returns the cleanup. */
  start(): () => void {
    const client = this.#transport.client;
    const offs = [
      client.subscribe('fleet.delta', (d) => this.#onDelta(d)),
      client.subscribe('alerts.raised', (a) => {
        this.alerts = [a, ...this.alerts].slice(0, MAX_ALERTS_SHOWN);
        if (this.alertInfo) this.alertInfo = { ...this.alertInfo, total: this.alertInfo.total + 1, unacknowledged: this.alertInfo.unacknowledged + 1 };
      }),
      client.subscribe('alerts.acknowledged', ({ ids }) => this.#markAcknowledged(ids)),
      this.#transport.watch((s) => {
        if (s.state === 'open' && (!this.loaded || s.shed !== this.#shedSeen)) {
          this.#shedSeen = s.shed;
          void this.reload();
        }
      }),
    ];
    return () => {
      offs.forEach((off) => off());
      if (this.#detailTimer) clearTimeout(this.#detailTimer);
    };
  }

  async reload(): Promise<void> {
    this.#waiting = [];
    try {
      const snap = await this.#transport.client.invoke('fleet.snapshot', {});
      this.#devices.clear();
      for (const d of snap.devices) this.#devices.set(d.id, d);
      this.shed = snap.shed;
      const waiting = this.#waiting ?? [];
      this.#waiting = null;
      for (const delta of waiting) if (delta.at > snap.at) this.#apply(delta);
      this.loaded = true;
      this.error = null;
      this.version++;
      await this.loadAlerts();
      if (this.selectedId) void this.#loadDetail();
    } catch (err) {
      this.#waiting = null;
      this.error = errorText(err);
    }
  }

  #onDelta(delta: FleetDeltaDto): void {
    if (this.#waiting) {
      this.#waiting.push(delta);
      return;
    }
    this.#apply(delta);
    this.version++;
    const selected = this.selectedId;
    if (selected && delta.upserts.some((u) => u.id === selected)) this.#scheduleDetail();
  }

  #apply(delta: FleetDeltaDto): void {
    for (const u of delta.upserts) this.#devices.set(u.id, u);
    for (const id of delta.removed) this.#devices.delete(id);
    this.shed = delta.shed;
  }

  device(id: string): DeviceSummaryDto | undefined {
    void this.version;
    return this.#devices.get(id);
  }

  select(id: string | null): void {
    this.selectedId = id;
    this.detail = null;
    if (id) void this.#loadDetail();
  }

  #scheduleDetail(): void {
    if (this.#detailTimer) return;
    const wait = Math.max(0, this.#lastDetailAt + DETAIL_REFRESH_MS - Date.now());
    this.#detailTimer = setTimeout(() => {
      this.#detailTimer = null;
      void this.#loadDetail();
    }, wait);
  }

  async #loadDetail(): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    this.#lastDetailAt = Date.now();
    try {
      const detail = await this.#transport.client.invoke('fleet.device', { id });
      if (this.selectedId === id) this.detail = detail;
    } catch (err) {
      if (this.selectedId === id) this.error = errorText(err);
    }
  }

  async loadAlerts(): Promise<void> {
    const { alerts, ...info } = await this.#transport.client.invoke('alerts.list', { limit: MAX_ALERTS_SHOWN });
    this.alerts = alerts;
    this.alertInfo = info;
  }

  async acknowledge(ids?: string[]): Promise<void> {
    try {
      const { acknowledged } = await this.#transport.client.invoke('alerts.acknowledge', ids === undefined ? {} : { ids });
      this.#markAcknowledged(acknowledged);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  #markAcknowledged(ids: string[]): void {
    let changed = 0;
    this.alerts = this.alerts.map((a) => {
      if (!ids.includes(a.id) || a.acknowledged) return a;
      changed++;
      return { ...a, acknowledged: true, acknowledgedAt: Date.now() };
    });
    if (this.alertInfo && changed > 0) this.alertInfo = { ...this.alertInfo, unacknowledged: Math.max(0, this.alertInfo.unacknowledged - changed) };
  }

  async loadSettings(): Promise<void> {
    try {
      const [p, a] = await Promise.all([this.#transport.client.invoke('fleet.settings', {}), this.#transport.client.invoke('alerts.settings', {})]);
      this.presenceSettings = p;
      this.alertSettings = a;
    } catch (err) {
      this.settingsError = errorText(err);
    }
  }

  savePresenceSettings(next: PresenceSettingsDto): Promise<boolean> {
    return this.#saveSettings(async () => {
      this.presenceSettings = await this.#transport.client.invoke('fleet.setSettings', next);
    });
  }

  saveAlertSettings(next: AlertSettingsDto): Promise<boolean> {
    return this.#saveSettings(async () => {
      this.alertSettings = await this.#transport.client.invoke('alerts.setSettings', next);
    });
  }

  /** True when `save` went through; a refusal is shown as the settings error. */
  async #saveSettings(save: () => Promise<void>): Promise<boolean> {
    try {
      await save();
      this.settingsError = null;
      return true;
    } catch (err) {
      this.settingsError = errorText(err);
      return false;
    }
  }

  async downloadCsv(id?: string): Promise<void> {
    try {
      const { filename, csv } = await this.#transport.client.invoke('fleet.outagesCsv', id === undefined ? {} : { id });
      downloadText(filename, csv, 'text/csv');
    } catch (err) {
      this.error = errorText(err);
    }
  }
}
