/**
 * A real broker (our broker-core on 127.0.0.1:0), a presence service attached to it on an
 * offset clock (real time plus whatever the test jumps forward), optionally the alert service
 * with its nedb files in a fresh temp dir — and every simulated device or MQTT.js client the test
 * makes, cleaned up in close().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { PresenceService } from '../../../electron/services/presence/service.js';
import { AlertService } from '../../../electron/services/alerts/service.js';
import type { AlertDto, AlertSettingsDto } from '../../../electron/contract/alerts.js';
import type { PresenceSettingsDto } from '../../../electron/contract/fleet.js';
import { defaultAlertSettings } from '../../../electron/services/alerts/rules.js';
import { SimDevice } from '../../../electron/simulator/device.js';
import { profileFor } from '../../../electron/simulator/fleet.js';
import type { Flavor, FirmwareProfile } from '../../../electron/simulator/firmware/profile.js';
import type { HomieVersion } from '../../../electron/simulator/firmware/homie.js';
import { toSummary } from '../../../electron/services/presence/projection.js';
import type { BrokerOptions } from '../../../broker-core/index.js';

/** Poll a condition (no fixed sleeps); the timeout only guards against hangs. */
export async function until<T>(check: () => T | undefined | null | false, what: () => string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Rig {
  broker: TestBroker;
  presence: PresenceService;
  alerts: AlertService | null;
  raised: AlertDto[];
  dataDir: string;
  /** jump the presence clock forward (then the next tick sees it) */
  advance(ms: number): void;
  device(flavor: Flavor, index: number, opts?: { keepalive?: number; telemetryMs?: number; homie?: HomieVersion; profile?: (p: FirmwareProfile) => FirmwareProfile; reconnectMs?: number }): SimDevice;
  client(opts: IClientOptions): Promise<MqttClient>;
  status(id: string): string;
  summary(id: string): ReturnType<typeof toSummary>;
  waitStatus(id: string, expected: string): Promise<void>;
  close(): Promise<void>;
}

let prefixes = 0;

export async function startRig(
  options: { alerts?: Partial<AlertSettingsDto>; presence?: Partial<PresenceSettingsDto>; broker?: BrokerOptions; attach?: boolean } = {},
): Promise<Rig> {
  const broker = await startTestBroker(options.broker);
  const dataDir = mkdtempSync(join(tmpdir(), 'fw-presence-'));
  let offset = 0;
  const presence = new PresenceService({ now: () => Date.now() + offset, tickMs: 50, deltaMs: 0 });
  if (options.presence) presence.setSettings({ ...presence.settings(), ...options.presence });
  if (options.attach !== false) presence.attach(broker.broker);
  const raised: AlertDto[] = [];
  let alerts: AlertService | null = null;
  if (options.alerts) {
    alerts = await AlertService.open({ dataDir, presence, onRaised: (a) => raised.push(a) });
    alerts.setSettings({ ...defaultAlertSettings(), ...options.alerts });
    const a = alerts;
    // as attachFleet does: every routed message feeds the silent-topic rules
    broker.broker.on('message.published', (msg) => a.message(msg.topicName));
  }
  const devices: SimDevice[] = [];
  const clients: MqttClient[] = [];
  const prefix = `t${++prefixes}-`;
  const summary = (id: string) => {
    const d = presence.engine.registry.get(id);
    if (!d) throw new Error(`no device ${id}`);
    return toSummary(d);
  };
  const status = (id: string) => {
    const d = presence.engine.registry.get(id);
    return d ? `${d.status.status}/${d.status.reason}` : 'absent';
  };
  return {
    broker,
    presence,
    alerts,
    raised,
    dataDir,
    advance(ms) {
      offset += ms;
    },
    device(flavor, index, o = {}) {
      let profile = profileFor(flavor, index, prefix, o.keepalive, o.telemetryMs ?? 0, o.homie);
      if (o.profile) profile = o.profile(profile);
      const d = new SimDevice({ host: '127.0.0.1', port: broker.port, profile, telemetryMs: o.telemetryMs ?? 0, reconnectMs: o.reconnectMs ?? 60_000 });
      devices.push(d);
      return d;
    },
    async client(opts) {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0, ...opts });
      clients.push(c);
      return c;
    },
    status,
    summary,
    async waitStatus(id, expected) {
      await until(() => status(id) === expected, () => `${id} to be ${expected} (is ${status(id)})`);
    },
    async close() {
      await Promise.all(devices.map((d) => d.stop().catch(() => undefined)));
      for (const d of devices) d.abandonLinks();
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await presence.close();
      await alerts?.close();
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
