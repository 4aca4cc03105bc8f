import { createServer, type Server } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFleetwatchApp, type FleetwatchApp } from '../../../electron/app/create-app.js';
import type { BrokerStatsDto } from '../../../electron/contract/index.js';

let dataDir: string;
const apps: FleetwatchApp[] = [];
const clients: mqtt.MqttClient[] = [];
const notes: { title: string; body: string }[] = [];

async function start(extra: Partial<Parameters<typeof createFleetwatchApp>[0]> = {}): Promise<FleetwatchApp> {
  const app = await createFleetwatchApp({ dataDir, mqttHost: '127.0.0.1', mqttPort: 0, notify: (n) => notes.push(n), log: () => undefined, statsIntervalMs: 100, ...extra });
  apps.push(app);
  return app;
}

function tcpPort(app: FleetwatchApp): number {
  const l = app.status().listeners.find((x) => x.transport === 'tcp');
  if (!l) throw new Error(`no tcp listener: ${JSON.stringify(app.status())}`);
  return l.port;
}

async function connect(port: number, clientId: string): Promise<mqtt.MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId, protocolVersion: 4, reconnectPeriod: 0 });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fleetwatch-app-'));
  notes.length = 0;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await Promise.all(apps.splice(0).map((a) => a.close()));
  await rm(dataDir, { recursive: true, force: true });
});

describe('composition root', { timeout: 120_000 }, () => {
  it('starts the real broker and reports it running with its bound listener', async () => {
    const app = await start();
    const status = app.status();
    expect(status).toMatchObject({ state: 'running', error: null, dataDir });
    expect(status.listeners).toEqual([{ transport: 'tcp', host: '127.0.0.1', port: expect.any(Number) }]);
    expect(tcpPort(app)).toBeGreaterThan(0);
    expect(await app.handlers['broker.status']({})).toEqual(status);
  });

  it('also listens for MQTT over WebSocket when asked', async () => {
    const app = await start({ wsPort: 0 });
    expect(app.status().listeners.map((l) => l.transport)).toEqual(['tcp', 'ws']);
  });

  it('lists connected MQTT clients and pushes changed stats', async () => {
    const app = await start();
    const pushed: BrokerStatsDto[] = [];
    app.events.on('broker.stats', (s) => pushed.push(s));
    await connect(tcpPort(app), 'sensor-a');
    await connect(tcpPort(app), 'sensor-b');
    await expect.poll(() => pushed.at(-1)?.clientsConnected).toBe(2);
    const list = await app.handlers['broker.clients']({});
    expect(list.total).toBe(2);
    expect(list.clients.map((c) => c.clientId).sort()).toEqual(['sensor-a', 'sensor-b']);
    expect(list.clients[0]).toMatchObject({ transport: 'tcp', protocol: expect.stringContaining('3.1.1'), username: null });
    expect(await app.handlers['broker.clients']({ limit: 1 })).toMatchObject({ total: 2, clients: [expect.anything()] });
  });

  it('stays up and reports failed (with the reason) when the MQTT port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const app = await start({ mqttPort: port });
      expect(app.status()).toMatchObject({ state: 'failed', listeners: [] });
      expect(app.status().error).toContain(`MQTT port ${port} is already in use`);
      expect((await app.handlers['broker.stats']({})).clientsConnected).toBe(0);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('keeps broker state in the data folder across restarts (retained message)', async () => {
    const first = await start();
    const pub = await connect(tcpPort(first), 'publisher');
    await pub.publishAsync('lab/bench/temp', '21.5', { qos: 1, retain: true });
    await pub.endAsync();
    clients.length = 0;
    await first.close();
    expect((await readdir(join(dataDir, 'broker'))).length).toBeGreaterThan(0);

    const second = await start();
    const sub = await connect(tcpPort(second), 'reader');
    const got = new Promise<{ topic: string; payload: string; retain: boolean }>((resolve) =>
      sub.on('message', (topic, payload, packet) => resolve({ topic, payload: payload.toString(), retain: packet.retain })),
    );
    await sub.subscribeAsync('lab/#', { qos: 1 });
    expect(await got).toEqual({ topic: 'lab/bench/temp', payload: '21.5', retain: true });
  });

  it('close() stops the broker once, announcing stopping then stopped', async () => {
    const app = await start();
    const states: string[] = [];
    app.events.on('broker.status', (s) => states.push(s.state));
    await Promise.all([app.close(), app.close()]);
    await app.close();
    expect(states).toEqual(['stopping', 'stopped']);
    await expect(connect(Number(app.status().listeners[0]?.port ?? 1), 'late')).rejects.toThrow();
  });
});
