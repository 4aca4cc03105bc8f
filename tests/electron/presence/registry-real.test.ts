/**
 * The device registry across an app restart: saved to nedb in a temp dir, restored before the
 * new broker's clients and retained messages are seen; real devices on real brokers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { PresenceService } from '../../../electron/services/presence/service.js';
import { RegistryStore } from '../../../electron/services/presence/registry-store.js';
import { SimDevice } from '../../../electron/simulator/device.js';
import { tasmotaProfile } from '../../../electron/simulator/firmware/tasmota.js';
import { esphomeProfile } from '../../../electron/simulator/firmware/esphome.js';
import { until } from './rig.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(dir: string, broker: TestBroker, events: string[] = []): Promise<PresenceService> {
  const { store, devices } = await RegistryStore.open(dir);
  const presence = new PresenceService({ tickMs: 0, deltaMs: 0, persistence: { store, devices, saveMs: 0 } });
  presence.on((e) => {
    if (e.type === 'status') events.push(`${e.deviceId} ${e.current.status}/${e.current.reason}`);
  });
  presence.attach(broker.broker);
  return presence;
}

function status(p: PresenceService, id: string): string {
  const d = p.engine.registry.get(id);
  return d ? `${d.status.status}/${d.status.reason}` : 'absent';
}

describe('device registry across restarts', () => {
  it('brings devices back after a restart: live ones as broker restarted, dead ones with their reason, history kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-registry-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const broker1 = await startTestBroker();
    cleanups.push(() => broker1.close());
    const presence1 = await open(dir, broker1);
    const plug = new SimDevice({ host: '127.0.0.1', port: broker1.port, profile: tasmotaProfile(70, 'rr-'), telemetryMs: 0, reconnectMs: 60_000 });
    const node = new SimDevice({ host: '127.0.0.1', port: broker1.port, profile: esphomeProfile(71, 'rr-'), telemetryMs: 0, reconnectMs: 60_000 });
    cleanups.push(async () => {
      await plug.stop();
      await node.stop();
    });
    await plug.start();
    await plug.telemetryNow();
    await node.start();
    node.die('reset');
    await until(() => status(presence1, node.clientId) === 'offline/connection-lost', () => 'node offline');
    await until(() => presence1.engine.registry.get(plug.clientId)?.telemetry.firmware !== null, () => 'plug telemetry');
    const firstSeen = presence1.engine.registry.get(plug.clientId)?.firstSeen;
    await presence1.close();
    await broker1.close();

    const broker2 = await startTestBroker();
    cleanups.push(() => broker2.close());
    const events: string[] = [];
    const presence2 = await open(dir, broker2, events);
    cleanups.push(() => presence2.close());
    // the node's outage was news in the previous run; the plug's is news now (alerts may follow)
    expect(events).toEqual([`${plug.clientId} offline/broker-restarted`]);
    expect(status(presence2, plug.clientId)).toBe('offline/broker-restarted');
    expect(status(presence2, node.clientId)).toBe('offline/connection-lost');
    const restored = presence2.engine.registry.get(plug.clientId)!;
    expect(restored).toMatchObject({ name: plug.profile.name, convention: 'tasmota', firstSeen, availabilityTopics: [plug.profile.availabilityTopic] });
    expect(restored.telemetry.firmware).toBe('Tasmota 14.1.0(tasmota)');

    // The plug finds the new broker: same record, one more reconnect.
    plug.die('reset');
    const again = new SimDevice({ host: '127.0.0.1', port: broker2.port, profile: plug.profile, telemetryMs: 0, reconnectMs: 60_000 });
    cleanups.push(() => again.stop());
    await again.start();
    await until(() => status(presence2, plug.clientId) === 'online/session', () => 'plug back online');
    expect(presence2.engine.registry.get(plug.clientId)?.reconnectCount).toBe(1);
    expect([...presence2.engine.registry.devices.keys()].filter((id) => id.startsWith('tasmota:'))).toEqual([]);
  });
});
