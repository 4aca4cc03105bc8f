import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { createFleetwatchApp, type FleetwatchApp } from '../../../electron/app/create-app.js';
import { createDispatcher } from '../../../electron/bridge/dispatcher.js';
import type { ChartsLiveDto } from '../../../electron/contract/charts.js';
import { TEMP, TEMP_KEY, sensor } from './helpers.js';

/** Charts through the composition root and the bridge dispatcher, with a real broker and client. */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function app(prepare?: (dir: string) => Promise<void>): Promise<{ app: FleetwatchApp; logs: string[] }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fw-charts-app-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  await prepare?.(dataDir);
  const logs: string[] = [];
  const a = await createFleetwatchApp({ dataDir, mqttHost: '127.0.0.1', mqttPort: 0, notify: () => undefined, log: (l) => logs.push(l) });
  cleanups.push(() => a.close());
  return { app: a, logs };
}

describe('charts in the composition root', () => {
  it('charts a field through the bridge, records what a real client publishes and pushes it live', async () => {
    const { app: a } = await app();
    const bridge = createDispatcher({ handlers: a.handlers, events: a.events, log: () => undefined });
    const live: ChartsLiveDto[] = [];
    const session = bridge.openSession((event, payload) => {
      if (event === 'charts.live') live.push(payload as ChartsLiveDto);
    });
    cleanups.push(async () => session.close());
    expect(session.subscribe('charts.live')).toBeNull();

    const added = await bridge.invoke('charts.addSeries', TEMP);
    expect(added).toMatchObject({ ok: true });
    const port = a.status().listeners.find((l) => l.transport === 'tcp')!.port;
    const dev = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'tasmota-lab-07', protocolVersion: 4, reconnectPeriod: 0 });
    cleanups.push(() => dev.endAsync());
    await dev.publishAsync('tele/lab-07/SENSOR', sensor(22.5), { qos: 1 });
    await expect.poll(() => live.flatMap((l) => l.points.flatMap((p) => p.v)), { timeout: 10_000 }).toEqual([22.5]);

    const res = await bridge.invoke('charts.history', { keys: [TEMP_KEY], from: Date.now() - 60_000, to: Date.now() + 1000, maxPoints: 100 });
    expect(res).toMatchObject({ ok: true, value: { series: [{ key: TEMP_KEY, v: [22.5], publisherId: 'tasmota-lab-07' }] } });
    const bad = await bridge.invoke('charts.history', { keys: [TEMP_KEY], from: 2, to: 1, maxPoints: 100 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('keeps the broker running when the chart history cannot be opened, and says why charts are unavailable', async () => {
    // a file where the history folder should be
    const { app: a, logs } = await app((dir) => writeFile(join(dir, 'history'), 'not a folder'));
    expect(a.status().state).toBe('running');
    expect(logs.some((l) => /chart history unavailable/.test(l))).toBe(true);
    const bridge = createDispatcher({ handlers: a.handlers, events: a.events, log: () => undefined });
    expect(await bridge.invoke('charts.dashboards', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
