/**
 * The presence service: attaches the engine to a running broker (its events, its live clients
 * and retained store at attach time), drives time-based changes with a timer on an injectable
 * clock, and batches changes for the UI (one delta per DELTA_MS with the latest summary of each
 * changed device — 500 devices reporting every second make two small frames a second, not 500).
 */
import type { BrokerEvents, ClientInfo, RetainedRecord } from '../../../broker-core/index.js';
import type { DeviceDetailDto, FleetDeltaDto, FleetSnapshotDto, OutageDto, PresenceSettingsDto } from '../../contract/fleet.js';
import { PresenceEngine } from './engine.js';
import type { PresenceListener } from './events.js';
import { toDetail, toSummary } from './projection.js';
import { SAVE_MS, type PersistedDevice, type RegistryStore } from './registry-store.js';

export const TICK_MS = 1_000;
export const DELTA_MS = 250;

/** The part of broker-core's Broker presence uses. */
export interface PresenceBrokerSource {
  on<E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): unknown;
  clients(): ClientInfo[];
  retained(topicFilter?: string): RetainedRecord[];
}

export interface PresenceServiceOptions {
  now?: () => number;
  /** timer period for tick(); 0 = no timer (tests call tick()) */
  tickMs?: number;
  /** UI delta period; 0 = no timer (call flush()) */
  deltaMs?: number;
  onDelta?: (delta: FleetDeltaDto) => void;
  maxDevices?: number;
  /** keep the registry across restarts: the store and what it loaded */
  persistence?: { store: RegistryStore; devices: PersistedDevice[]; saveMs?: number };
  log?: (line: string) => void;
}

export class PresenceService {
  readonly engine: PresenceEngine;
  readonly now: () => number;
  private readonly detach: Array<() => void> = [];
  private readonly tickListeners = new Set<(now: number) => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private lastShed = 0;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: PresenceServiceOptions = {}) {
    this.now = options.now ?? Date.now;
    this.engine = new PresenceEngine(options.maxDevices === undefined ? {} : { maxDevices: options.maxDevices });
    const tickMs = options.tickMs ?? TICK_MS;
    if (tickMs > 0) this.timers.push(setInterval(() => this.tick(), tickMs));
    const deltaMs = options.deltaMs ?? DELTA_MS;
    if (deltaMs > 0 && options.onDelta) this.timers.push(setInterval(() => this.flush(), deltaMs));
    const saveMs = options.persistence?.saveMs ?? SAVE_MS;
    if (options.persistence && saveMs > 0) this.timers.push(setInterval(() => void this.save(), saveMs));
    for (const t of this.timers) t.unref();
  }

  /** Subscribe to the broker, then seed live sessions and the retained store (in that order). */
  attach(broker: PresenceBrokerSource): void {
    const on = <E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): void => {
      const off = broker.on(event, listener);
      if (typeof off === 'function') this.detach.push(off as () => void);
    };
    on('client.connected', (info) => {
      if (!this.closed) this.engine.clientConnected(info, this.now());
    });
    on('client.disconnected', (info) => {
      if (!this.closed) this.engine.clientDisconnected(info, this.now());
    });
    on('message.published', (msg) => {
      if (!this.closed) this.engine.message(msg, this.now());
    });
    const now = this.now();
    // Devices from the last run first: live sessions and retained messages then land on them.
    if (this.options.persistence) {
      const { trackersDamaged } = this.engine.restore(this.options.persistence.devices, now);
      if (trackersDamaged > 0) this.options.log?.(`fleetwatch: devices.db: the saved trackers of ${trackersDamaged} device(s) were unreadable; their flapping, wake-interval and take-over history starts over`);
    }
    for (const info of broker.clients()) this.engine.clientConnected(info, now);
    // Sessions first: a retained "Online" of a connected device is then simply its birth message.
    for (const r of broker.retained()) {
      this.engine.message({ topicName: r.topicName, payload: r.payload, qos: r.qos, retain: true, publisherId: r.publisherId, isWill: false, at: r.storedAt }, now, true);
    }
  }

  on(listener: PresenceListener): () => void {
    return this.engine.on(listener);
  }

  /** Called after every engine tick with the same time (the alert engine ticks along). */
  onTick(listener: (now: number) => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  tick(): void {
    if (this.closed) return;
    const now = this.now();
    // A timer callback that throws would take the whole app down: report and carry on.
    try {
      this.engine.tick(now);
    } catch (err) {
      process.emitWarning(`presence tick failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 'FleetwatchPresenceWarning');
    }
    for (const l of this.tickListeners) {
      try {
        l(now);
      } catch (err) {
        process.emitWarning(`presence tick listener failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 'FleetwatchPresenceWarning');
      }
    }
  }

  snapshot(): FleetSnapshotDto {
    const devices = [...this.engine.registry.devices.values()].map(toSummary);
    return { devices, shed: this.engine.registry.shed, maxDevices: this.engine.registry.maxDevices, at: this.now() };
  }

  device(id: string, outages: (deviceId: string) => { items: OutageDto[]; shed: number }): DeviceDetailDto | undefined {
    const d = this.engine.registry.get(id);
    return d ? toDetail(d, outages(d.id)) : undefined;
  }

  nameOf(id: string): string {
    return this.engine.registry.get(id)?.name ?? id;
  }

  /** Emit the pending delta now (the timer does this every DELTA_MS). */
  flush(): FleetDeltaDto | undefined {
    const { changed, removed } = this.engine.drain();
    const shed = this.engine.registry.shed;
    if (changed.length === 0 && removed.length === 0 && shed === this.lastShed) return undefined;
    this.lastShed = shed;
    const delta: FleetDeltaDto = { upserts: changed.map(toSummary), removed, shed, at: this.now() };
    this.options.onDelta?.(delta);
    return delta;
  }

  settings(): PresenceSettingsDto {
    return this.engine.getSettings();
  }

  setSettings(settings: PresenceSettingsDto): void {
    this.engine.applySettings(settings, this.now());
  }

  /** Save the devices changed since the last save (writes never overlap). */
  save(): Promise<void> {
    const store = this.options.persistence?.store;
    if (!store) return Promise.resolve();
    const { devices, removed } = this.engine.drainUnsaved(this.now());
    if (devices.length === 0 && removed.length === 0) return this.saving;
    this.saving = this.saving
      .then(() => store.save(devices, removed))
      .catch((err: unknown) => this.options.log?.(`fleetwatch: saving the device registry failed: ${err instanceof Error ? err.message : String(err)}`));
    return this.saving;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const off of this.detach.splice(0)) off();
    const persistence = this.options.persistence;
    if (!persistence) return;
    const now = this.now();
    const all = this.engine.allForSave(now);
    this.saving = this.saving.then(() => persistence.store.save(all, this.engine.drainUnsaved(now).removed));
    try {
      await this.saving;
    } finally {
      await persistence.store.close();
    }
  }
}
