/**
 * The fleet and alerts areas wired into the composition root: handlers answer from the real
 * services, alerts become contract events and notifications, settings are validated and saved,
 * and a damaged settings file is moved aside instead of stopping the app.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFleetwatchApp, type FleetwatchApp } from '../../../electron/app/create-app.js';
import type { AlertDto, FleetDeltaDto } from '../../../electron/contract/index.js';
import { validators } from '../../../electron/bridge/validators/index.js';
import { SimDevice } from '../../../electron/simulator/device.js';
import { tasmotaProfile } from '../../../electron/simulator/firmware/tasmota.js';
import { until } from '../presence/rig.js';

let dataDir: string;
let app: FleetwatchApp | undefined;
let device: SimDevice | undefined;
const notes: { title: string; body: string }[] = [];
const logs: string[] = [];

async function start(): Promise<FleetwatchApp> {
  app = await createFleetwatchApp({ dataDir, mqttHost: '127.0.0.1', mqttPort: 0, notify: (n) => notes.push(n), log: (l) => logs.push(l), inMemory: true });
  return app;
}

function port(a: FleetwatchApp): number {
  return a.status().listeners.find((l) => l.transport === 'tcp')!.port;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fw-fleet-app-'));
  notes.length = 0;
  logs.length = 0;
});
afterEach(async () => {
  await device?.stop();
  device = undefined;
  await app?.close();
  app = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

describe('fleet and alerts in the app', () => {
  it('serves the fleet, pushes deltas and alerts, notifies, and acknowledges', async () => {
    const a = await start();
    const deltas: FleetDeltaDto[] = [];
    const raised: AlertDto[] = [];
    a.events.on('fleet.delta', (d) => deltas.push(d));
    a.events.on('alerts.raised', (x) => raised.push(x));
    const alertSettings = await a.handlers['alerts.settings']({});
    await a.handlers['alerts.setSettings']({ ...alertSettings, defaults: { ...alertSettings.defaults, minOfflineSec: 0 }, groupWindowSec: 0 });
    device = new SimDevice({ host: '127.0.0.1', port: port(a), profile: tasmotaProfile(0, 'app-'), telemetryMs: 0, reconnectMs: 60_000 });
    await device.start();
    const id = device.clientId;
    await until(() => deltas.some((d) => d.upserts.some((u) => u.id === id && u.status === 'online')), () => 'an online delta');
    const snapshot = await a.handlers['fleet.snapshot']({});
    expect(snapshot.devices.find((d) => d.id === id)).toMatchObject({ status: 'online', convention: 'tasmota' });
    const detail = await a.handlers['fleet.device']({ id });
    expect(detail.sessions).toHaveLength(1);
    await expect(a.handlers['fleet.device']({ id: 'nope' })).rejects.toMatchObject({ code: 'not-found' });

    device.die('reset');
    const alert = await until(() => raised.find((x) => x.kind === 'offline'), () => 'offline alert event');
    expect(notes).toContainEqual({ title: alert.title, body: alert.body });
    await until(() => deltas.some((d) => d.upserts.some((u) => u.id === id && u.status === 'offline' && u.reason === 'connection-lost')), () => 'an offline delta');
    const list = await a.handlers['alerts.list']({});
    expect(list.alerts[0]).toMatchObject({ id: alert.id, acknowledged: false });
    const acked: string[][] = [];
    a.events.on('alerts.acknowledged', (x) => acked.push(x.ids));
    expect(await a.handlers['alerts.acknowledge']({ ids: [alert.id] })).toEqual({ acknowledged: [alert.id] });
    expect(acked).toEqual([[alert.id]]);
    const csv = await a.handlers['fleet.outagesCsv']({ id });
    expect(csv.csv.split('\r\n')[1]).toMatch(new RegExp(`^${id},`));
  });

  it('validates and saves settings; rejects bad ones with a reason', async () => {
    const a = await start();
    const s = await a.handlers['fleet.settings']({});
    const next = { ...s, userRules: [{ id: 'r', topicFilter: 'lab/+/alive', onlinePayloads: ['1'], offlinePayloads: ['0'] }], groups: [{ name: 'lab', match: 'lab-*' }] };
    expect(validators['fleet.setSettings'](next)).toMatchObject({ ok: true });
    await a.handlers['fleet.setSettings'](next);
    expect(JSON.parse(await readFile(join(dataDir, 'presence-settings.json'), 'utf8'))).toEqual(next);
    await expect(a.handlers['fleet.setSettings']({ ...s, flapTransitions: 1 })).rejects.toMatchObject({ code: 'bad-request' });
    expect(validators['fleet.setSettings']({ ...s, extra: 1 })).toMatchObject({ ok: false, message: 'settings: unexpected field(s) extra' });
    expect(validators['alerts.acknowledge']({ ids: [42] })).toMatchObject({ ok: false });
    expect(validators['fleet.setSettings']({ ...s, devices: JSON.parse('{"__proto__":{"expected":true}}') })).toMatchObject({ ok: false });
  });

  it('moves a damaged settings file aside, starts with defaults and reports it', async () => {
    await writeFile(join(dataDir, 'alert-settings.json'), '{ not json');
    const a = await start();
    expect(a.status().state).toBe('running');
    const list = await a.handlers['alerts.list']({});
    expect(list.problems.join('\n')).toMatch(/alert-settings\.json could not be used .* moved to .*alert-settings\.json\.bad-/);
    expect((await readdir(dataDir)).some((f) => f.startsWith('alert-settings.json.bad-'))).toBe(true);
    expect((await a.handlers['alerts.settings']({})).defaults.minOfflineSec).toBe(30);
  });
});
