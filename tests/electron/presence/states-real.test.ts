/**
 * State transitions and reconciliation with real clients: take-over, duplicate client ids,
 * flapping, broker restart, contradictions, silent telemetry, never-seen.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, until, type Rig } from './rig.js';
import { PresenceService } from '../../../electron/services/presence/service.js';
import { createBroker, createMemoryPersistence, createMemoryStore } from '../../../broker-core/index.js';

let rig: Rig;
afterEach(async () => rig?.close());

describe('presence with real clients: states', () => {
  it('a second connection with the same client id takes the session over; the device stays online [MQTT-3.1.4-2]', async () => {
    rig = await startRig();
    const seen: string[] = [];
    rig.presence.on((e) => {
      if (e.type === 'status' && e.deviceId === 'same-id') seen.push(`${e.current.status}/${e.current.reason}`);
    });
    const a = await rig.client({ clientId: 'same-id' });
    await rig.waitStatus('same-id', 'online/session');
    const b = await rig.client({ clientId: 'same-id' });
    await until(() => rig.presence.device('same-id', () => ({ items: [], shed: 0 }))?.sessions[1]?.endReason === 'taken-over', () => 'take-over recorded');
    expect(rig.status('same-id')).toBe('online/session');
    expect(rig.summary('same-id').reconnectCount).toBe(1);
    // the old session's end is reported with its reason, and the device is back at once
    expect(seen).toEqual(['online/session', 'offline/taken-over', 'online/session']);
    void a;
    void b;
  });

  it('names two devices fighting over one client id with their addresses', async () => {
    rig = await startRig({ alerts: { groupWindowSec: 0 } });
    const original = rig.device('tasmota', 0, { reconnectMs: 200 });
    const impostor = rig.device('tasmota', 0, { reconnectMs: 200 });
    await original.start();
    await impostor.start();
    const flag = await until(() => rig.summary(original.clientId).flags.find((f) => f.kind === 'duplicate-client-id'), () => 'duplicate flag', 30_000);
    expect(flag.kind === 'duplicate-client-id' && flag.addresses).toHaveLength(2);
    expect(flag.kind === 'duplicate-client-id' && flag.addresses.every((a) => /^127\.0\.0\.1:\d+$/.test(a))).toBe(true);
    await until(() => rig.raised.find((a) => a.kind === 'duplicate-client-id'), () => 'duplicate alert');
    expect(rig.raised.filter((a) => a.kind === 'duplicate-client-id')).toHaveLength(1);
    // the fight is not flapping, and no offline alerts for take-overs
    expect(rig.raised.filter((a) => a.kind === 'offline' || a.kind === 'flapping')).toEqual([]);
  });

  it('many drops in the window become one flapping state and one alert; it settles after the quiet period (3 windows)', async () => {
    rig = await startRig({ alerts: { groupWindowSec: 0 } });
    const dev = rig.device('esphome', 3);
    await dev.start();
    // three drops and three returns: six online/offline changes, the default threshold
    for (let i = 0; i < 3; i++) {
      dev.die('reset');
      await until(() => rig.presence.engine.registry.get(dev.clientId)?.base.reason === 'connection-lost', () => 'dropped');
      await dev.revive();
      await until(() => rig.presence.engine.registry.get(dev.clientId)?.base.status === 'online', () => 'back online');
    }
    expect(rig.status(dev.clientId)).toBe('flapping/transitions');
    await until(() => rig.raised.some((a) => a.kind === 'flapping'), () => 'flapping alert');
    rig.advance(361_000);
    await rig.waitStatus(dev.clientId, 'online/session');
    await until(() => rig.raised.some((a) => a.kind === 'back-online'), () => 'back online alert');
    expect(rig.raised.map((a) => a.kind)).toEqual(['flapping', 'back-online']);
  });

  it('learns the beat of a device that deep-sleeps on a schedule and then treats its absence as sleep', async () => {
    rig = await startRig();
    const dev = rig.device('esphome', 7);
    for (let i = 0; i < 4; i++) {
      if (i === 0) await dev.start();
      else await dev.revive();
      await rig.waitStatus(dev.clientId, 'online/session');
      await dev.sleep(0);
      await until(() => rig.presence.engine.registry.get(dev.clientId)?.session === null, () => 'asleep');
      if (i < 3) rig.advance(60_000);
    }
    await rig.waitStatus(dev.clientId, 'sleeping/expected-interval');
    expect(rig.summary(dev.clientId).intervalSource).toBe('learned');
    expect(Math.abs(rig.summary(dev.clientId).expectedIntervalMs! - 60_000)).toBeLessThan(5_000);
    rig.advance(120_000);
    await rig.waitStatus(dev.clientId, 'overdue/missed-wake');
  });

  it('flags an Offline published by another client on a live device’s LWT, and clears it when the device speaks', async () => {
    rig = await startRig();
    const dev = rig.device('tasmota', 4);
    await dev.start();
    const lwt = dev.profile.availabilityTopic;
    const other = await rig.client({ clientId: 'mosquitto_pub-like' });
    await other.publishAsync(lwt, 'Offline', { retain: true, qos: 1 });
    const flag = await until(() => rig.summary(dev.clientId).flags.find((f) => f.kind === 'availability-contradicts-session'), () => 'contradiction flag');
    expect(flag).toMatchObject({ publisherId: 'mosquitto_pub-like', payload: 'Offline', topicName: lwt, isWill: false });
    expect(rig.status(dev.clientId)).toBe('online/session');
    dev.die('reset');
    await dev.revive();
    await until(() => rig.summary(dev.clientId).flags.length === 0, () => 'flag cleared');
  });

  it('reports a live device whose telemetry goes silent', async () => {
    rig = await startRig();
    const dev = rig.device('tasmota', 5, { telemetryMs: 300 });
    await dev.start();
    await until(() => (rig.presence.engine.registry.get(dev.clientId)?.silence.periodMs() ?? null) !== null, () => 'learned period');
    dev.muteTelemetry();
    const flag = await until(() => rig.summary(dev.clientId).flags.find((f) => f.kind === 'silent-telemetry'), () => 'silent flag');
    expect(flag).toMatchObject({ topicName: `tele/${dev.profile.name}/SENSOR` });
    expect(rig.status(dev.clientId)).toBe('online/session');
  });

  it('shows declared devices as never-seen until they connect', async () => {
    rig = await startRig();
    const dev = rig.device('homie', 6);
    rig.presence.setSettings({ ...rig.presence.settings(), devices: { [dev.clientId]: { expected: true } } });
    expect(rig.status(dev.clientId)).toBe('never-seen/no-session-yet');
    await dev.start();
    await rig.waitStatus(dev.clientId, 'online/session');
  });
});

describe('presence with real clients: broker restarts', () => {
  it('a broker shutdown is offline, broker restarted; after the restart a retained Online without a session is flagged, not believed', async () => {
    const store = createMemoryStore();
    const broker1 = createBroker({ sysInterval: 0, persistence: createMemoryPersistence({ store }) });
    const port = (await broker1.listen({ tcp: { host: '127.0.0.1', port: 0 } })).tcp!.port;
    const presence1 = new PresenceService({ tickMs: 0, deltaMs: 0 });
    presence1.attach(broker1);
    const { SimDevice } = await import('../../../electron/simulator/device.js');
    const { tasmotaProfile } = await import('../../../electron/simulator/firmware/tasmota.js');
    const quiet = new SimDevice({ host: '127.0.0.1', port, profile: tasmotaProfile(40, 'rs-'), telemetryMs: 0, reconnectMs: 60_000 });
    const live = new SimDevice({ host: '127.0.0.1', port, profile: tasmotaProfile(41, 'rs-'), telemetryMs: 0, reconnectMs: 60_000 });
    try {
      await quiet.start();
      await live.start();
      // a clean disconnect publishes no will: the retained LWT keeps saying Online
      await quiet.stop();
      await until(() => presence1.engine.registry.get(quiet.clientId)?.status.reason === 'clean-disconnect', () => 'clean disconnect');
      expect(presence1.engine.registry.get(quiet.clientId)?.flags.has('online-without-session')).toBe(true);
      await broker1.close();
      await until(() => presence1.engine.registry.get(live.clientId)?.status.reason === 'broker-restarted', () => 'broker restarted');
      live.die('reset');

      const broker2 = createBroker({ sysInterval: 0, persistence: createMemoryPersistence({ store }) });
      await broker2.start();
      const presence2 = new PresenceService({ tickMs: 0, deltaMs: 0 });
      presence2.attach(broker2);
      const d = presence2.engine.registry.get(`tasmota:${quiet.profile.name}`);
      expect(d && `${d.status.status}/${d.status.reason}`).toBe('offline/broker-restarted');
      expect([...(d?.flags.values() ?? [])]).toMatchObject([{ kind: 'online-without-session', retained: true, payload: 'Online' }]);
      await presence1.close();
      await presence2.close();
      await broker2.close();
    } finally {
      await quiet.stop();
      await live.stop();
      live.abandonLinks();
    }
  });
});
