/**
 * Every firmware convention against the real broker with real MQTT clients: the exact topics
 * and payloads each firmware uses, and each kind of death the broker can report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, until, type Rig } from './rig.js';

let rig: Rig;
afterEach(async () => rig?.close());

describe('presence with real clients: Tasmota', () => {
  it('recognises a Tasmota device from its will, fills its telemetry, and reports a TCP reset as connection lost', async () => {
    rig = await startRig();
    const dev = rig.device('tasmota', 0, { keepalive: 30 });
    await dev.start();
    await dev.telemetryNow();
    const id = dev.clientId;
    await until(() => rig.summary(id).telemetry.uptimeSec !== null, () => 'STATE telemetry');
    await until(() => rig.summary(id).telemetry.firmware !== null && rig.summary(id).telemetry.ip !== null, () => 'INFO1/INFO2');
    const s = rig.summary(id);
    expect(s).toMatchObject({
      status: 'online',
      reason: 'session',
      convention: 'tasmota',
      name: dev.profile.name,
      keepalive: 30,
      detectionDelayMs: 45_000,
      availabilityTopics: [`tele/${dev.profile.name}/LWT`],
      protocol: 'MQTT 3.1.1',
    });
    expect(s.telemetry).toMatchObject({ firmware: 'Tasmota 14.1.0(tasmota)' });
    expect(s.telemetry.rssiDbm).toBeLessThan(-30);
    expect(s.telemetry.signalPercent).toBeGreaterThan(0);
    expect(s.telemetry.freeHeapBytes! % 1024).toBe(0);
    expect(s.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const detail = rig.presence.device(id, () => ({ items: [], shed: 0 }))!;
    expect(detail.sessions[0]?.will).toMatchObject({ topicName: `tele/${dev.profile.name}/LWT`, payload: 'Offline', qos: 1, retain: true });

    dev.die('reset');
    await rig.waitStatus(id, 'offline/connection-lost');
    // The broker published the will: the retained LWT now says Offline, and nothing is flagged.
    await until(() => rig.broker.broker.retained(`tele/${dev.profile.name}/LWT`)[0]?.payload.toString() === 'Offline', () => 'retained Offline');
    expect(rig.summary(id).flags).toEqual([]);
    expect(rig.summary(id).lastSeen).not.toBeNull();
  });

  it('reports a device that vanishes silently as a keepalive timeout after 1.5 × keepalive [MQTT-3.1.2-24]', async () => {
    rig = await startRig();
    const dev = rig.device('tasmota', 1, { keepalive: 1 });
    await dev.start();
    await rig.waitStatus(dev.clientId, 'online/session');
    dev.die('silent');
    await rig.waitStatus(dev.clientId, 'offline/keepalive-timeout');
    expect(rig.summary(dev.clientId).detectionDelayMs).toBe(1_500);
  });

  it('treats Tasmota deep sleep (DEEPSLEEP, then a clean disconnect) as sleeping until the announced wake-up, then overdue', async () => {
    rig = await startRig();
    const dev = rig.device('tasmota', 2);
    await dev.start();
    // announces a one-hour sleep; the test wakes it by hand after jumping the clock
    await dev.sleep(3_600_000);
    await rig.waitStatus(dev.clientId, 'sleeping/sleep-payload');
    const s = rig.summary(dev.clientId);
    expect(s.intervalSource).toBe('payload');
    expect(s.nextWakeAt! - rig.presence.now()).toBeGreaterThan(3_500_000);
    // The retained LWT still says Online after a clean disconnect: flagged, not believed.
    expect(s.flags.map((f) => f.kind)).toEqual(['online-without-session']);
    rig.advance(s.nextWakeAt! - rig.presence.now() + 1_800_000 + 1_000);
    await rig.waitStatus(dev.clientId, 'overdue/missed-wake');
    await dev.revive();
    await rig.waitStatus(dev.clientId, 'online/session');
    await until(() => rig.summary(dev.clientId).flags.length === 0, () => 'flags cleared by the birth message');
  });
});

describe('presence with real clients: ESPHome', () => {
  it('recognises <name>/status and the health sensors, and a clean shutdown says offline itself', async () => {
    rig = await startRig();
    const dev = rig.device('esphome', 0, { keepalive: 15 });
    await dev.start();
    await dev.telemetryNow();
    const id = dev.clientId;
    await until(() => rig.summary(id).telemetry.freeHeapBytes !== null && rig.summary(id).telemetry.firmware !== null, () => 'ESPHome telemetry');
    expect(rig.summary(id)).toMatchObject({ convention: 'esphome', name: dev.profile.name, availabilityTopics: [`${dev.profile.name}/status`], detectionDelayMs: 22_500 });
    expect(rig.summary(id).telemetry).toMatchObject({ firmware: 'ESPHome 2024.6.1 Jun 10 2024, 12:00:00' });
    expect(rig.summary(id).telemetry.ip).toMatch(/^10\.42\./);
    await dev.stop();
    await rig.waitStatus(id, 'offline/clean-disconnect');
    expect(rig.broker.broker.retained(`${dev.profile.name}/status`)[0]?.payload.toString()).toBe('offline');
  });

  it('uses a declared wake interval: a sleeping ESPHome node is sleeping, then overdue', async () => {
    rig = await startRig();
    const dev = rig.device('esphome', 1);
    rig.presence.setSettings({ ...rig.presence.settings(), devices: { [dev.clientId]: { expectedIntervalSec: 60 } } });
    await dev.start();
    await dev.sleep(0);
    await rig.waitStatus(dev.clientId, 'sleeping/expected-interval');
    expect(rig.summary(dev.clientId)).toMatchObject({ expectedIntervalMs: 60_000, intervalSource: 'declared' });
    rig.advance(100_000);
    await rig.waitStatus(dev.clientId, 'overdue/missed-wake');
  });
});

describe('presence with real clients: Homie', () => {
  for (const version of [3, 4, 5] as const) {
    it(`recognises Homie ${version} ($state ready, lost as will) and its deep sleep`, async () => {
      rig = await startRig();
      const dev = rig.device('homie', version, { homie: version });
      await dev.start();
      await dev.telemetryNow();
      const id = dev.clientId;
      await until(() => rig.summary(id).convention === `homie${version}`, () => `homie${version} (is ${rig.summary(id).convention})`);
      const base = version === 5 ? `homie/5/${dev.profile.name}` : `homie/${dev.profile.name}`;
      expect(rig.summary(id).availabilityTopics).toEqual([`${base}/$state`]);
      if (version !== 5) await until(() => rig.summary(id).telemetry.uptimeSec !== null && rig.summary(id).telemetry.firmware === '1.2.0', () => 'Homie stats');
      await dev.sleep(0);
      await rig.waitStatus(id, 'sleeping/sleep-payload');
      await dev.revive();
      await rig.waitStatus(id, 'online/session');
      dev.die('reset');
      await rig.waitStatus(id, 'offline/connection-lost');
      await until(() => rig.broker.broker.retained(`${base}/$state`)[0]?.payload.toString() === 'lost', () => 'will $state lost');
    });
  }
});
