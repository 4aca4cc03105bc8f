/**
 * The alert service: feeds presence events into the alert engine, persists alerts and outages
 * (in order, one write chain), shows each alert as a notification (desktop in Electron, logged
 * in the headless host) and reports it to the UI (the browser raises its own Notification).
 */
import type { AlertDto, AlertListDto, AlertSettingsDto } from '../../contract/alerts.js';
import type { OutageDto } from '../../contract/fleet.js';
import type { PresenceService } from '../presence/service.js';
import { AlertEngine } from './engine.js';
import { AlertStore } from './alert-store.js';
import { OutageLog } from './outage-log.js';
import { AlertMemory } from './alert-memory.js';
import { outagesCsv } from './csv.js';

export interface AlertServiceOptions {
  dataDir: string;
  presence: PresenceService;
  onRaised?: (alert: AlertDto) => void;
  onAcknowledged?: (ids: string[]) => void;
  log?: (line: string) => void;
  maxAlerts?: number;
}

export class AlertService {
  readonly engine: AlertEngine;
  private chain: Promise<void> = Promise.resolve();
  private readonly detach: Array<() => void> = [];
  /** problems met while opening the stores, for the UI */
  readonly problems: string[];

  private constructor(
    private readonly options: AlertServiceOptions,
    readonly store: AlertStore,
    readonly outages: OutageLog,
    private readonly memory: AlertMemory,
  ) {
    const presence = options.presence;
    this.problems = [...store.problems, ...outages.problems, ...memory.problems].map((p) => p.message);
    this.engine = new AlertEngine({
      describe: (id) => {
        const d = presence.engine.registry.get(id);
        return d ? { name: d.name, group: d.group } : undefined;
      },
      raise: (alert) => {
        this.write(() => store.add(alert));
        options.onRaised?.(alert);
      },
      outageStart: (id, start, reason) => this.write(() => outages.start(id, start, reason)),
      outageEnd: (id, end) => this.write(async () => void (await outages.end(id, end))),
      remembered: (id, since) => {
        // One queued flush takes every change noted until it runs (a batch, off the caller's path).
        if (!memory.hasPending) this.write(() => memory.flush());
        memory.note(id, since);
      },
    });
    // Before presence restores its devices (attach): a device alerted before the restart that
    // comes back then gets its back-online alert.
    this.engine.restoreAlerted(memory.entries(), presence.now());
    this.detach.push(presence.on((e) => this.engine.presence(e)));
    this.detach.push(presence.onTick((now) => this.engine.tick(now)));
  }

  static async open(options: AlertServiceOptions): Promise<AlertService> {
    const store = await AlertStore.open(options.dataDir, options.maxAlerts);
    const outages = await OutageLog.open(options.dataDir);
    const memory = await AlertMemory.open(options.dataDir);
    const service = new AlertService(options, store, outages, memory);
    for (const p of service.problems) options.log?.(`fleetwatch: ${p}`);
    return service;
  }

  private write(op: () => Promise<void>): void {
    this.chain = this.chain.then(op).catch((err: unknown) => {
      this.options.log?.(`fleetwatch: alert history write failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Resolves when every write queued so far is on disk (nedb append). */
  idle(): Promise<void> {
    return this.chain;
  }

  list(opts: { limit?: number; unacknowledgedOnly?: boolean }): AlertListDto {
    const list = this.store.list(opts);
    return { ...list, problems: [...this.problems] };
  }

  async acknowledge(ids: string[] | undefined): Promise<string[]> {
    await this.chain;
    const changed = await this.store.acknowledge(ids, this.options.presence.now());
    if (changed.length > 0) this.options.onAcknowledged?.(changed);
    return changed;
  }

  settings(): AlertSettingsDto {
    return this.engine.getSettings();
  }

  setSettings(settings: AlertSettingsDto): void {
    this.engine.setSettings(settings);
  }

  /** Feed for silent-topic rules. */
  message(topicName: string): void {
    this.engine.message(topicName, this.options.presence.now());
  }

  outagesOf(deviceId: string): { items: OutageDto[]; shed: number } {
    return this.outages.list(deviceId);
  }

  csv(deviceId?: string): { filename: string; csv: string } {
    const rows = deviceId === undefined ? this.outages.all() : this.outages.list(deviceId).items.slice().reverse();
    const stamp = new Date(this.options.presence.now()).toISOString().slice(0, 10);
    const base = deviceId === undefined ? 'all-devices' : deviceId.replace(/[^A-Za-z0-9._-]+/g, '_');
    return { filename: `outages-${base}-${stamp}.csv`, csv: outagesCsv(rows, (id) => this.options.presence.nameOf(id)) };
  }

  async close(): Promise<void> {
    for (const off of this.detach.splice(0)) off();
    await this.chain;
    await this.store.close();
    await this.outages.close();
    await this.memory.close();
  }
}
