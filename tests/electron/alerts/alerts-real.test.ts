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

/** Jump the clock and wait for a presence tick that has seen the jump (its alerts are raised by then). */
async function tickPast(ms: number): Promise<void> {
  rig.advance(ms);
  const target = rig.presence.now();
  await new Promise<void>((resolve) => {
    const off = rig.presence.onTick((now) => {
      if (now < target) return;
      off();
      resolve();
    });
  });
}

/** Three drops and three returns: six online/offline changes, the default flapping threshold. */
async function burst(dev: ReturnType<Rig['device']>): Promise<void> {
  for (let i = 0; i < 3; i++) {
    dev.die('reset');
    await until(() => rig.presence.engine.registry.get(dev.clientId)?.base.reason === 'connection-lost', () => 'dropped');
    await dev.revive();
    await until(() => rig.presence.engine.registry.get(dev.clientId)?.base.status === 'online', () => 'back');
  }
}

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

  it('a device flapping in bursts gets one flapping alert and no back-online between bursts; one back-online after a long quiet period', async () => {
    // defaults: 6 changes in 2 min; the episode ends after 6 min quiet; flapping again within 30 min of its end resumes it
    // default alert rules: drops shorter than the minimum offline time make no offline alert
    rig = await startRig({ alerts: { groupWindowSec: 0 } });
    const dev = rig.device('homie', 6);
    await dev.start();
    await rig.waitStatus(dev.clientId, 'online/session');
    const kinds = () => rig.raised.filter((a) => a.deviceIds.includes(dev.clientId)).map((a) => a.kind);
    await burst(dev);
    await until(() => kinds().includes('flapping'), () => 'flapping alert');
    const since = rig.presence.engine.registry.get(dev.clientId)!.status.since;
    // the simulator's flapper: a burst, then a 2 min pause — longer than the window, shorter than the quiet period
    for (let pause = 0; pause < 3; pause++) {
      await tickPast(150_000);
      expect(rig.status(dev.clientId)).toBe('flapping/transitions');
      await burst(dev);
    }
    await tickPast(150_000);
    expect(rig.status(dev.clientId)).toBe('flapping/transitions');
    expect(rig.presence.engine.registry.get(dev.clientId)!.status.since).toBe(since);
    expect(kinds()).toEqual(['flapping']);
    // quiet long enough: the episode ends, once
    await tickPast(211_000);
    await rig.waitStatus(dev.clientId, 'online/session');
    await until(() => kinds().includes('back-online'), () => 'back online alert');
    expect(kinds()).toEqual(['flapping', 'back-online']);
    // flapping again within the cooldown resumes the same episode: no second flapping alert
    await tickPast(60_000);
    await burst(dev);
    expect(rig.status(dev.clientId)).toBe('flapping/transitions');
    expect(rig.presence.engine.registry.get(dev.clientId)!.status.since).toBe(since);
    await tickPast(361_000);
    await rig.waitStatus(dev.clientId, 'online/session');
    expect(kinds()).toEqual(['flapping', 'back-online']);
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
