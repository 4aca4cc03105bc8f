/**
 * Presence and alert memory across a real restart of the composition root: the app runs in a
 * child process (real broker, real nedb files), real MQTT.js devices, then the app is killed
 * with SIGKILL (no shutdown save) and started again on the same data dir. The fleet clock is the
 * child's real clock plus an offset the test moves (no timed assertions).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAlertSettings } from '../../../electron/services/alerts/rules.js';
import { AppProcess, waitSaved } from './support/app-process.js';

let dataDir: string;
const apps: AppProcess[] = [];
const clients: MqttClient[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fw-restart-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  for (const a of apps.splice(0)) await a.kill();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(offset = 0): Promise<AppProcess> {
  const app = await AppProcess.start(dataDir, offset);
  apps.push(app);
  return app;
}

async function connect(app: AppProcess, clientId: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${app.port}`, { clientId, reconnectPeriod: 0, keepalive: 60 });
  clients.push(c);
  return c;
}

/** The device's TCP connection drops without DISCONNECT (a reset board). */
function cut(c: MqttClient): void {
  c.stream.destroy();
}

const kinds = (app: AppProcess, id: string): string[] => app.alerts.filter((a) => a.deviceIds.includes(id)).map((a) => a.kind);

// Generous: each test starts the app twice as a child process (the timeout only guards against hangs).
describe('fleet state across a killed and restarted app', { timeout: 120_000 }, () => {
  it('a device alerted offline before the kill gets exactly one back-online alert after the restart', async () => {
    const settings = defaultAlertSettings();
    await writeFile(join(dataDir, 'alert-settings.json'), JSON.stringify({ ...settings, defaults: { ...settings.defaults, minOfflineSec: 0 }, groupWindowSec: 0 }));
    const first = await start();
    cut(await connect(first, 'rs-plug'));
    await first.waitAlert((a) => a.kind === 'offline' && a.deviceIds.includes('rs-plug'), 'the offline alert');
    await waitSaved(dataDir, 'alert-memory.db', 'rs-plug', () => true);
    await waitSaved(dataDir, 'devices.db', 'rs-plug', (d) => (d['session'] as { endedAt: number | null } | null)?.endedAt !== null);
    await first.kill();

    const second = await start();
    expect((await second.status('rs-plug')).status).toBe('offline/connection-lost');
    await connect(second, 'rs-plug');
    const back = await second.waitAlert((a) => a.kind === 'back-online', 'the back-online alert');
    expect(back).toMatchObject({ deviceIds: ['rs-plug'], title: 'rs-plug back online' });
    // Barrier: a later alert about another device; every alert about rs-plug came before it.
    cut(await connect(second, 'rs-marker'));
    await second.waitAlert((a) => a.deviceIds.includes('rs-marker'), 'the marker alert');
    expect(kinds(second, 'rs-plug')).toEqual(['back-online']);
  });

  it('a deep sleeper whose wake interval was learned stays sleeping across the restart, and is overdue after its beat', async () => {
    const first = await start();
    // Four short wakes one minute apart (on the fleet clock): the beat is learned.
    for (let wake = 0; wake < 4; wake++) {
      const c = await connect(first, 'rs-sleeper');
      await first.waitStatus('rs-sleeper', 'online/session');
      await c.endAsync();
      if (wake < 3) await first.advance(60_000);
    }
    await first.waitStatus('rs-sleeper', 'sleeping/expected-interval');
    await waitSaved(dataDir, 'devices.db', 'rs-sleeper', (d) => (d['trackers'] as { wakes: unknown[] } | undefined)?.wakes.length === 4 && (d['session'] as { endedAt: number | null }).endedAt !== null);
    const offset = await first.advance(0);
    await first.kill();

    const second = await start(offset);
    expect(await second.status('rs-sleeper')).toMatchObject({ status: 'sleeping/expected-interval', intervalSource: 'learned' });
    // Past the beat plus its grace (half the sleep): the learned beat says it missed its wake.
    await second.advance(60_000 + 30_000 + 5_000);
    await second.waitStatus('rs-sleeper', 'overdue/missed-wake');
    await second.waitAlert((a) => a.kind === 'overdue' && a.deviceIds.includes('rs-sleeper'), 'the overdue alert');
  });

  it('a flapping device is still flapping after the restart, is not alerted twice, and gets one back-online when it settles', async () => {
    const first = await start();
    // never-seen → online does not count; 3 drops and 3 reconnects = 6 changes (the default)
    for (let round = 0; round < 3; round++) {
      cut(await connect(first, 'rs-flappy'));
      await first.waitStatus('rs-flappy', 'offline/connection-lost');
    }
    await connect(first, 'rs-flappy');
    await first.waitStatus('rs-flappy', 'flapping/transitions');
    await first.waitAlert((a) => a.kind === 'flapping' && a.deviceIds.includes('rs-flappy'), 'the flapping alert');
    await waitSaved(dataDir, 'devices.db', 'rs-flappy', (d) => (d['trackers'] as { flap: { flappingSince: number | null } } | undefined)?.flap.flappingSince != null);
    await waitSaved(dataDir, 'alert-memory.db', 'rs-flappy', () => true);
    const offset = await first.advance(0);
    await first.kill();

    const second = await start(offset);
    const after = await second.status('rs-flappy');
    expect(after.status).toBe('flapping/transitions');
    expect(after.detail).toMatch(/now offline$/);
    await connect(second, 'rs-flappy');
    await second.waitStatus('rs-flappy', 'flapping/transitions');
    // The quiet period (3 windows, 6 min by default) without a change ends the episode.
    await second.advance(361_000);
    await second.waitStatus('rs-flappy', 'online/session');
    await second.waitAlert((a) => a.kind === 'back-online' && a.deviceIds.includes('rs-flappy'), 'the back-online alert');
    expect(kinds(second, 'rs-flappy')).toEqual(['back-online']);
  });
});
