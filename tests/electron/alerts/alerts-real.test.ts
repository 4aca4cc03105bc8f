/**
 * Alerts end to end with real clients: devices killed ungracefully on the real broker, alerts and
 * outages persisted in nedb files in a fresh temp dir, acknowledged, exported as CSV.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, until, type Rig } from '../presence/rig.js';
import { AlertStore } from '../../../electron/services/alerts/alert-store.js';
import { defaultAlertSettings } from '../../../electron/services/alerts/rules.js';

let rig: Rig;
afterEach(async () => rig?.close());

const immediate = { defaults: { ...defaultAlertSettings().defaults, minOfflineSec: 0 }, groupWindowSec: 0 };

describe('alerts with real clients', () => {
  it('a killed device raises an offline alert with its reason, logs the outage, and alerts back online', async () => {
    rig = await startRig({ alerts: immediate });
    const dev = rig.device('tasmota', 0);
    await dev.start();
    dev.die('reset');
    const alert = await until(() => rig.raised.find((a) => a.kind === 'offline'), () => 'offline alert');
    expect(alert).toMatchObject({ title: `${dev.profile.name} offline`, deviceIds: [dev.clientId], reason: 'connection-lost', acknowledged: false });
    expect(alert.body).toMatch(/^connection lost; offline for \d+ s$/);
    await dev.revive();
    await until(() => rig.raised.find((a) => a.kind === 'back-online'), () => 'back online alert');
    await rig.alerts!.idle();
    const outages = rig.alerts!.outagesOf(dev.clientId).items;
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ deviceId: dev.clientId, reason: 'connection-lost' });
    expect(outages[0]!.durationMs).toBeGreaterThanOrEqual(0);
    const { csv, filename } = rig.alerts!.csv(dev.clientId);
    expect(filename).toMatch(new RegExp(`^outages-${dev.clientId}-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
    expect(csv.split('\r\n')[1]).toMatch(new RegExp(`^${dev.clientId},${dev.profile.name},\\d{4}-.*Z,\\d{4}-.*Z,\\d+\\.\\d{3},connection-lost$`));
  });

  it('persists the alert history with acknowledgements in nedb', async () => {
    rig = await startRig({ alerts: immediate });
    const dev = rig.device('esphome', 1, { keepalive: 1 });
    await dev.start();
    dev.die('silent');
    const alert = await until(() => rig.raised.find((a) => a.kind === 'offline'), () => 'offline alert');
    expect(alert.reason).toBe('keepalive-timeout');
    expect(await rig.alerts!.acknowledge([alert.id])).toEqual([alert.id]);
    await rig.alerts!.close();
    const reopened = await AlertStore.open(rig.dataDir);
    const list = reopened.list();
    expect(list.alerts.find((a) => a.id === alert.id)).toMatchObject({ acknowledged: true, kind: 'offline', reason: 'keepalive-timeout' });
    await reopened.close();
  });

  it('many devices dying within seconds become one grouped alert', async () => {
    rig = await startRig({ alerts: { defaults: { ...defaultAlertSettings().defaults, minOfflineSec: 1 }, groupWindowSec: 2, groupMinDevices: 3 } });
    const devs = [0, 1, 2, 3, 4].map((i) => rig.device('homie', i));
    await Promise.all(devs.map((d) => d.start()));
    for (const d of devs) d.die('reset');
    const group = await until(() => rig.raised.find((a) => a.kind === 'group-offline'), () => 'group alert');
    expect(group.deviceIds.sort()).toEqual(devs.map((d) => d.clientId).sort());
    expect(group.title).toBe('5 devices went offline');
    expect(group.body).toMatch(/\(connection lost ×5\)$/);
    expect(rig.raised.filter((a) => a.kind === 'offline')).toEqual([]);
  });

  it('alerts when a watched topic goes silent (user silent-topic rule)', async () => {
    rig = await startRig({ alerts: { ...immediate, silentTopics: [{ id: 'temps', topicFilter: 'lab/+/temperature', maxSilenceSec: 60 }] } });
    const c = await rig.client({ clientId: 'lab-logger' });
    await c.publishAsync('lab/bench1/temperature', '21.5', { qos: 1 });
    await c.publishAsync('lab/bench1/humidity', '40', { qos: 1 });
    rig.advance(61_000);
    const alert = await until(() => rig.raised.find((a) => a.kind === 'silent-topic'), () => 'silent topic alert');
    expect(alert).toMatchObject({ topicName: 'lab/bench1/temperature', title: 'lab/bench1/temperature went silent', deviceIds: [] });
    expect(rig.raised.filter((a) => a.kind === 'silent-topic')).toHaveLength(1);
  });
});
