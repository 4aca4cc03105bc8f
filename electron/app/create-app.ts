/**
 * The composition root: builds the broker and the main-process services and wires them to
 * the contract. The Electron shell and the headless host both call this and differ only in
 * the transport they put in front of `handlers` and `events`.
 */

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createNedbPersistence } from '../persistence/nedb-persistence.js';
import { lockDataDir } from './data-lock.js';
import type { BrokerStatusDto, Handlers, ListenerDto } from '../contract/index.js';
import { createRealBroker, type BrokerPort, type CreateBroker } from './broker-port.js';
import { ContractEmitter } from './events.js';
import { createHandlers } from './handlers/index.js';
import { startStatsMonitor } from './stats-monitor.js';
import { attachTopicsService, type AttachedTopics } from '../services/topics/attach.js';
import { PublishTemplates } from '../services/topics/publish-templates.js';
import { attachFleet, type AttachedFleet, type FleetOptions } from '../services/presence/attach.js';
import { attachCharts, type AttachedCharts } from '../services/dashboards/attach-charts.js';
import { SerialService } from '../serial/serial-service.js';

export interface AppNotification {
  title: string;
  body: string;
}
/** Shows a desktop notification (Electron) or logs it (headless). Used by the alert features. */
export type Notify = (notification: AppNotification) => void;

export interface FleetwatchAppOptions {
  /** where persistence and settings live; created if missing */
  dataDir: string;
  /** MQTT listener address; devices must reach it, so all interfaces by default */
  mqttHost?: string;
  /** MQTT TCP port; 0 picks a free one */
  mqttPort: number;
  /** MQTT over WebSocket port; no WebSocket listener when absent */
  wsPort?: number;
  notify: Notify;
  log?: (line: string) => void;
  /** the broker factory; broker-core's createBroker when absent */
  createBroker?: CreateBroker;
  /** keep broker state in memory only (no files); tests of the UI plumbing use this */
  inMemory?: boolean;
  statsIntervalMs?: number;
  /** clock and save period of the fleet services (tests of restarts) */
  fleet?: FleetOptions;
}

export interface FleetwatchApp {
  handlers: Handlers;
  events: ContractEmitter;
  /** null only when the broker could not be created at all (status says why) */
  broker: BrokerPort | null;
  status(): BrokerStatusDto;
  notify: Notify;
  /** stops services and the broker; idempotent */
  close(): Promise<void>;
}

export const DEFAULT_MQTT_HOST = '0.0.0.0';

function describeListenError(err: unknown, host: string, port: number): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (code === 'EADDRINUSE') return `MQTT port ${port} is already in use on ${host} (is another broker running?)`;
  if (code === 'EACCES') return `not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`;
  if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine`;
  return err instanceof Error ? err.message : String(err);
}

export async function createFleetwatchApp(options: FleetwatchAppOptions): Promise<FleetwatchApp> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const mqttHost = options.mqttHost ?? DEFAULT_MQTT_HOST;
  await mkdir(options.dataDir, { recursive: true });
  // Throws DataDirInUseError when another Fleetwatch uses this folder: better than both rewriting it.
  const lock = await lockDataDir(options.dataDir);

  const events = new ContractEmitter(log);
  let status: BrokerStatusDto = { state: 'starting', listeners: [], startedAt: null, error: null, dataDir: options.dataDir };
  const setStatus = (patch: Partial<BrokerStatusDto>): void => {
    status = { ...status, ...patch };
    events.emit('broker.status', status);
  };

  let broker: BrokerPort | null = null;
  let monitor: { stop(): void } | null = null;
  let topics: AttachedTopics | null = null;
  let fleet: AttachedFleet | null = null;
  let charts: AttachedCharts | null = null;
  const templates = new PublishTemplates(options.dataDir);
  const templatesLoaded = await templates.load().catch(async (err: unknown) => {
    await lock.release();
    throw err;
  });
  if (templatesLoaded.problem) log(`fleetwatch: ${templatesLoaded.problem}`);
  try {
    const factory = options.createBroker ?? createRealBroker;
    // Broker state (retained messages, persistent sessions, queued QoS 1/2) survives restarts
    // in <dataDir>/broker; damaged files are moved aside and reported, never wiped.
    broker = factory(options.inMemory ? {} : { persistence: createNedbPersistence({ dir: join(options.dataDir, 'broker') }) });
    broker.on('persistence.problem', (p) => {
      const where = p.movedTo ? ` (the damaged file was kept as ${p.movedTo})` : '';
      log(`fleetwatch: data problem in ${p.store}: ${p.message}${where}`);
      options.notify({ title: 'Fleetwatch: problem with saved broker data', body: `${p.store}: ${p.message}${where}` });
    });
    const bound = await broker.listen({
      tcp: { host: mqttHost, port: options.mqttPort },
      ...(options.wsPort === undefined ? {} : { ws: { host: mqttHost, port: options.wsPort } }),
    });
    const listeners: ListenerDto[] = [];
    if (bound.tcp) listeners.push({ transport: 'tcp', host: bound.tcp.host, port: bound.tcp.port });
    if (bound.ws) listeners.push({ transport: 'ws', host: bound.ws.host, port: bound.ws.port });
    monitor = startStatsMonitor(broker, events, { intervalMs: options.statsIntervalMs ?? 1000 });
    topics = await attachTopicsService(broker, (changes) => events.emit('topics.changes', changes), {
      hasListeners: () => events.listenerCount('topics.changes') > 0,
    });
    fleet = await attachFleet(broker, options.dataDir, {
      delta: (d) => events.emit('fleet.delta', d),
      raised: (a) => events.emit('alerts.raised', a),
      acknowledged: (ids) => events.emit('alerts.acknowledged', { ids }),
      notify: options.notify,
      log,
    }, options.fleet);
    // Charts failing to open (an unreadable data folder) must not take the broker down with them.
    charts = await attachCharts(broker, options.dataDir, { live: (l) => events.emit('charts.live', l), notify: options.notify, log }, { presence: fleet.presence }).catch((err: unknown) => {
      log(`fleetwatch: chart history unavailable: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
    setStatus({ state: 'running', listeners, startedAt: Date.now() });
    for (const l of listeners) log(`fleetwatch: mqtt listening on ${l.transport} ${l.host}:${l.port}`);
  } catch (err) {
    // The app still starts: the UI shows why the broker is down instead of the app refusing to open.
    const message = describeListenError(err, mqttHost, options.mqttPort);
    log(`fleetwatch: broker failed to start: ${message}`);
    monitor?.stop();
    monitor = null;
    await charts?.close().catch(() => undefined);
    charts = null;
    await fleet?.close().catch(() => undefined);
    fleet = null;
    await broker?.close().catch(() => undefined);
    // Handlers answer from a null broker (zeros, no clients) rather than from a closed one.
    broker = null;
    setStatus({ state: 'failed', error: message });
  }

  // The USB-serial bench (issue 8): works without a broker too (flashing, monitor); arrival needs the broker.
  const serial = new SerialService({
    broker,
    mqttPort: () => status.listeners.find((l) => l.transport === 'tcp')?.port ?? null,
    emit: {
      flash: (job) => events.emit('serial.flash', job),
      config: (job) => events.emit('serial.config', job),
      arrival: (a) => events.emit('serial.arrival', a),
      monitor: (batch) => events.emit('serial.monitor', batch),
    },
  });
  const handlers = createHandlers({ broker, status: () => status, topics: topics?.service ?? null, templates, fleet, charts, serial });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      monitor?.stop();
      topics?.close();
      // Releases the serial ports (a running flash is cancelled and its port closed).
      await serial.close().catch((err: unknown) => log(`fleetwatch: closing the serial ports failed: ${err instanceof Error ? err.message : String(err)}`));
      // Before the broker closes: its shutdown disconnects are not devices going offline.
      await charts?.close().catch((err: unknown) => log(`fleetwatch: closing the chart history failed: ${err instanceof Error ? err.message : String(err)}`));
      await fleet?.close().catch((err: unknown) => log(`fleetwatch: closing the fleet services failed: ${err instanceof Error ? err.message : String(err)}`));
      if (status.state === 'running') setStatus({ state: 'stopping' });
      try {
        await broker?.close();
      } finally {
        if (status.state !== 'failed') {
          setStatus({ state: 'stopped', listeners: [] });
          log('fleetwatch: broker stopped');
        }
        await lock.release();
      }
    })();
    return closing;
  };

  return { handlers, events, broker, status: () => status, notify: options.notify, close };
}
