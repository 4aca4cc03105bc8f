import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChartsLiveDto, PeriodDto } from '../../../electron/contract/charts.js';
import { attachHistory, type AttachedHistory } from '../../../electron/services/history/attach.js';
import { presenceSourceOf } from '../../../electron/services/history/presence-feed.js';
import { PresenceService } from '../../../electron/services/presence/service.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { TEMP, TEMP_KEY, sensor } from './helpers.js';
import { join } from 'node:path';

/** The recorder on the real broker, fed by real MQTT clients over TCP. */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rig(): Promise<{ b: TestBroker; h: AttachedHistory; live: ChartsLiveDto[] }> {
  const b = await startTestBroker();
  cleanups.push(() => b.close());
  const live: ChartsLiveDto[] = [];
  const h = await attachHistory(b.broker, (l) => live.push(l), { dir: join(b.dataDir, 'history'), limits: { flushIntervalMs: 50, liveIntervalMs: 20, rawMinSpacingMs: 0 } });
  cleanups.push(() => h.close());
  await h.service.setCharted([TEMP]);
  return { b, h, live };
}

async function device(b: TestBroker, clientId: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId, protocolVersion: 4, reconnectPeriod: 0, ...opts });
  cleanups.push(() => c.endAsync(true));
  return c;
}

async function periods(h: AttachedHistory): Promise<PeriodDto[]> {
  const res = await h.service.history([TEMP_KEY], Date.now() - 3_600_000, Date.now() + 60_000, 100);
  return res.series[0]!.periods;
}

describe('history on the real broker', () => {
  it('records telemetry that a real Tasmota-like client publishes and sends it live', async () => {
    const { h, b, live } = await rig();
    const dev = await device(b, 'tasmota-lab-07');
    for (const t of [21.1, 21.4, 21.9]) await dev.publishAsync('tele/lab-07/SENSOR', sensor(t), { qos: 1 });
    await dev.publishAsync('tele/lab-07/STATE', '{"Uptime":"0T00:01:00"}', { qos: 1 });
    const got = await waitFor(() => {
      const v = live.flatMap((l) => l.points.filter((p) => p.key === TEMP_KEY).flatMap((p) => p.v));
      return v.length === 3 ? v : null;
    }, 'three live values');
    expect(got).toEqual([21.1, 21.4, 21.9]);
    expect(live.flatMap((l) => l.points.map((p) => p.publisherId))).toContain('tasmota-lab-07');
    const res = await h.service.history([TEMP_KEY], Date.now() - 60_000, Date.now() + 1000, 100);
    expect(res.series[0]!.v).toEqual([21.1, 21.4, 21.9]);
    expect(h.service.counters().recorded).toBe(3);
  });

  it('shades the time a publishing client was offline, with the broker’s reason, and ends it when the client is back', async () => {
    const { h, b, live } = await rig();
    const dev = await device(b, 'tasmota-lab-07');
    await dev.publishAsync('tele/lab-07/SENSOR', sensor(20), { qos: 1 });
    await waitFor(() => h.service.counters().recorded === 1, 'the first value');
    // Lost connection: the socket dies without DISCONNECT.
    dev.stream.destroy();
    const opened = await waitFor(() => live.flatMap((l) => l.periods).find((p) => p.clientId === 'tasmota-lab-07' && p.period.end === null), 'an open period');
    expect(opened.period).toMatchObject({ kind: 'offline', reason: 'connection-lost' });
    expect(await periods(h)).toEqual([opened.period]);

    const back = await device(b, 'tasmota-lab-07');
    const closed = await waitFor(() => live.flatMap((l) => l.periods).find((p) => p.period.end !== null), 'the period to end');
    expect(closed.period.start).toBe(opened.period.start);
    expect(closed.period.end!).toBeGreaterThanOrEqual(opened.period.start);
    expect(await periods(h)).toEqual([closed.period]);
    await back.endAsync();
    const clean = await waitFor(() => live.flatMap((l) => l.periods).find((p) => p.period.reason === 'clean'), 'a clean disconnect period');
    expect(clean.period.kind).toBe('offline');
  });

  it('ignores sessions of clients that publish nothing charted', async () => {
    const { b, live } = await rig();
    const other = await device(b, 'someone-else');
    await other.publishAsync('tele/other/SENSOR', sensor(1), { qos: 1 });
    other.stream.destroy();
    // a charted client disconnecting afterwards proves the batches are flowing
    const dev = await device(b, 'tasmota-lab-07');
    await dev.publishAsync('tele/lab-07/SENSOR', sensor(20), { qos: 1 });
    dev.stream.destroy();
    await waitFor(() => live.some((l) => l.periods.some((p) => p.clientId === 'tasmota-lab-07')), 'the charted client’s period');
    expect(live.flatMap((l) => l.periods).map((p) => p.clientId)).not.toContain('someone-else');
  });

  it('shades a Tasmota that announced deep sleep as sleeping (from the presence service), not offline', async () => {
    const { h, b, live } = await rig();
    const presence = new PresenceService({ tickMs: 0, deltaMs: 0 });
    presence.attach(b.broker);
    cleanups.push(() => presence.close());
    h.followPresence(presenceSourceOf(presence));

    const dev = await device(b, 'tasmota-lab-07', { will: { topic: 'tele/lab-07/LWT', payload: Buffer.from('Offline'), qos: 1, retain: true } });
    await dev.publishAsync('tele/lab-07/LWT', 'Online', { qos: 1, retain: true });
    await dev.publishAsync('tele/lab-07/SENSOR', sensor(20), { qos: 1 });
    const wake = Math.floor(Date.now() / 1000) + 300;
    await dev.publishAsync('tele/lab-07/DEEPSLEEP', JSON.stringify({ DeepSleep: { Time: '2026-01-10T12:00:00', DeepSleep: Math.floor(Date.now() / 1000), Wakeup: wake } }), { qos: 1, retain: true });
    await dev.endAsync();
    const sleeping = await waitFor(() => live.flatMap((l) => l.periods).find((p) => p.period.kind === 'sleeping'), 'a sleeping period');
    expect(sleeping.clientId).toBe('tasmota-lab-07');
    const list = await periods(h);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'sleeping', end: null });
  });
});
