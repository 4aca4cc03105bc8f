/**
 * The trackers and the alert memory on disk: real nedb files in a fresh temp dir, damaged files
 * salvaged and kept aside, bounds, and a take-over fight carried over a restart of the services.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertMemory, ALERT_MEMORY_FILE } from '../../../electron/services/alerts/alert-memory.js';
import { AlertService } from '../../../electron/services/alerts/service.js';
import { defaultAlertSettings } from '../../../electron/services/alerts/rules.js';
import { PresenceService } from '../../../electron/services/presence/service.js';
import { RegistryStore, DEVICES_FILE } from '../../../electron/services/presence/registry-store.js';
import type { AlertDto } from '../../../electron/contract/alerts.js';
import type { ClientInfo } from '../../../broker-core/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fw-trackers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function services(now: () => number, logs: string[] = []) {
  const { store, devices } = await RegistryStore.open(dir);
  const presence = new PresenceService({ now, tickMs: 0, deltaMs: 0, persistence: { store, devices, saveMs: 0 }, log: (l) => logs.push(l) });
  const raised: AlertDto[] = [];
  const alerts = await AlertService.open({ dataDir: dir, presence, onRaised: (a) => raised.push(a) });
  alerts.setSettings(defaultAlertSettings());
  // no broker: attach to a source without clients or retained messages (the engine is fed directly)
  presence.attach({ on: () => undefined, clients: () => [], retained: () => [] });
  return { presence, alerts, raised, store };
}

let port = 50000;
function info(clientId: string, ip: string): ClientInfo {
  return { clientId, address: `${ip}:${port++}`, transport: 'tcp', protocol: 'MQTT 3.1.1', protocolLevel: 4, keepalive: 30, cleanSession: true, connectedAt: 0 };
}

describe('alert memory (alert-memory.db)', () => {
  it('salvages a damaged file: readable entries kept, the original moved aside as .bad-<time>, the problem reported', async () => {
    writeFileSync(join(dir, ALERT_MEMORY_FILE), '{"_id":"plug-1","since":1000}\n{"_id":"plug-2","sin\n{"_id":"plug-3","since":3000}\n');
    const memory = await AlertMemory.open(dir);
    expect(memory.entries()).toEqual([['plug-1', 1000], ['plug-3', 3000]]);
    expect(memory.problems[0]?.message).toMatch(/alert-memory\.db: 1 of 3 lines unreadable; 2 records recovered, the original file is kept as .*alert-memory\.db\.bad-/);
    expect(readdirSync(dir).some((f) => f.startsWith(`${ALERT_MEMORY_FILE}.bad-`))).toBe(true);
    await memory.close();
  });

  it('writes noted changes in one flush, forgets, and sheds the oldest beyond its bound (counted)', async () => {
    let memory = await AlertMemory.open(dir, 2);
    memory.note('a', 1);
    memory.note('b', 2);
    memory.note('c', 3);
    memory.note('b', null);
    await memory.flush();
    memory.note('d', 4);
    await memory.flush();
    expect(memory.shed).toBe(1);
    await memory.close();
    memory = await AlertMemory.open(dir, 2);
    expect(memory.entries()).toEqual([['c', 3], ['d', 4]]);
    await memory.close();
  });
});

describe('trackers in devices.db', () => {
  it('a damaged trackers field loses only the trackers: the device comes back and the problem is logged', async () => {
    const saved = { _id: 'dev-1', clientId: 'dev-1', name: 'dev-1', convention: null, availabilityTopics: [], firstSeen: 1, lastSeen: 2, reconnectCount: 0, session: null, telemetry: {}, trackers: { flap: 'garbage' }, savedAt: 2 };
    writeFileSync(join(dir, DEVICES_FILE), `${JSON.stringify(saved)}\n`);
    const logs: string[] = [];
    const s = await services(() => 10_000, logs);
    expect(s.presence.engine.registry.get('dev-1')?.name).toBe('dev-1');
    expect(logs.join('\n')).toMatch(/devices\.db: the saved trackers of 1 device\(s\) were unreadable/);
    await s.presence.close();
    await s.alerts.close();
  });

  it('a duplicate-client-id fight survives a restart of the services: flag kept, no second alert, settles after a quiet window', async () => {
    let now = 1_000_000;
    const first = await services(() => now);
    const engine = first.presence.engine;
    // Two boards with one client id take the session from each other.
    for (let i = 0; i < 5; i++) {
      engine.clientConnected(info('twin', i % 2 === 0 ? '10.0.0.7' : '10.0.0.8'), now);
      now += 1_000;
    }
    expect(first.raised.map((a) => a.kind)).toEqual(['duplicate-client-id']);
    await first.presence.close();
    await first.alerts.close();

    now += 1_000;
    const second = await services(() => now);
    const twin = second.presence.engine.registry.get('twin')!;
    expect(twin.flags.get('duplicate-client-id')).toMatchObject({ addresses: ['10.0.0.7', '10.0.0.8'], takeovers: 4 });
    // the fight goes on: still one episode, nothing new raised
    second.presence.engine.clientConnected(info('twin', '10.0.0.8'), now);
    second.presence.engine.clientConnected(info('twin', '10.0.0.7'), now);
    expect(second.raised.map((a) => a.kind)).toEqual([]);
    now += 61_000;
    second.presence.tick();
    expect(twin.flags.has('duplicate-client-id')).toBe(false);
    await second.presence.close();
    await second.alerts.close();
  });
});
