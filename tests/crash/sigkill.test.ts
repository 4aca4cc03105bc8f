/**
 * The crash test of issue 4: `fleetwatch broker` (the built CLI, nedb persistence) is killed with
 * SIGKILL at a random moment, round after round, while real mqtt.js clients publish QoS 1, QoS 2
 * and retained messages with unique sequence numbers to a persistent (cleanSession 0) subscriber
 * that is online in some rounds and offline (its messages queue) in others. After every restart
 * the subscriber reconnects and collects. At the end:
 *  - every message whose PUBACK (QoS 1) or PUBCOMP (QoS 2) the publisher received arrived at
 *    least once [MQTT-4.3.2], and no QoS 2 message arrived twice [MQTT-4.3.3];
 *  - each retained topic holds its last acknowledged value or a newer one that was published;
 *  - the will of a client that was connected when the broker died was published at the next
 *    start [MQTT-3.1.2-8].
 * Needs the build (`npm test` builds first); FW_CLI=<path to fleetwatch.js> runs it against another build.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { Store, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it, vi } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../..');
const cliPath = process.env.FW_CLI ?? join(repoRoot, 'dist/electron/cli/fleetwatch.js');
const ROUNDS = 8;

interface Broker {
  child: ChildProcess;
  port: number;
  exited: Promise<unknown>;
  output(): string;
}

const children: ChildProcess[] = [];
const clients: MqttClient[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'fw-crash-'));

afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startBroker(): Promise<Broker> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run 'npm run build' first`);
  const child = spawn(process.execPath, [cliPath, 'broker', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--sys-interval', '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  let port = 0;
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`broker exited:\n${out}`);
      const m = /fleetwatch broker listening on mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) throw new Error(`broker not listening yet:\n${out}`);
      port = Number(m[1]);
    },
    { timeout: 60_000, interval: 10 },
  );
  return { child, port, exited, output: () => out };
}

/** `setup` runs before any packet can arrive: a resumed session's messages may follow CONNACK in the same chunk. */
async function connect(port: number, options: IClientOptions, setup?: (client: MqttClient) => void): Promise<MqttClient> {
  const client = mqtt.connect({ host: '127.0.0.1', port, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 20_000, ...options });
  clients.push(client);
  setup?.(client);
  client.on('error', () => undefined); // connection loss at SIGKILL is the point of this test
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('close', () => reject(new Error(`connection closed before CONNACK (${String(options.clientId)})`)));
  });
  return client;
}

/** What the test knows, across rounds. */
const acked = { q1: new Set<number>(), q2: new Set<number>() };
const received = { q1: new Map<number, number>(), q2: new Map<number, number>() };
/** retained topic → highest acknowledged value, and every value ever published */
const retainedAcked = new Map<string, number>();
const retainedIssued = new Map<string, Set<number>>();
const willsExpected: string[] = [];
let seq = 0;

/** mqtt.js closes (empties) its stores when a client ends; these outlive every connection. */
class SessionStore extends Store {
  override close(cb?: () => void): void {
    cb?.();
  }
}

/** One subscriber protocol state for every connection of the persistent session (a QoS 2 receiver keeps its packet ids). */
const subscriberIncoming = new SessionStore();
const subscriberOutgoing = new SessionStore();

async function connectSubscriber(port: number, subscribe: boolean): Promise<MqttClient> {
  const sub = await connect(port, { clientId: 'crash-sub', clean: false, incomingStore: subscriberIncoming, outgoingStore: subscriberOutgoing }, (client) =>
    client.on('message', (topic, payload) => {
      const m = /^crash\/(q1|q2)\//.exec(topic);
      if (!m) return;
      const kind = m[1] as 'q1' | 'q2';
      const n = Number(payload.toString());
      received[kind].set(n, (received[kind].get(n) ?? 0) + 1);
    }),
  );
  if (subscribe) {
    await sub.subscribeAsync({ 'crash/q1/#': { qos: 1 }, 'crash/q2/#': { qos: 2 } });
  }
  return sub;
}

/** Keeps `window` publishes in flight until the connection dies; records the acknowledged ones. */
function publishLoop(client: MqttClient, window: number, next: () => { topic: string; value: number; qos: 1 | 2; retain: boolean; onAck: () => void }): void {
  const one = (): void => {
    if (!client.connected) return;
    const m = next();
    client.publish(m.topic, String(m.value), { qos: m.qos, retain: m.retain }, (err) => {
      if (err) return; // not acknowledged: may or may not arrive
      m.onAck();
      one();
    });
  };
  for (let i = 0; i < window; i++) one();
}

async function round(index: number, subscriberOnline: boolean): Promise<void> {
  const broker = await startBroker();
  // the persistent subscriber comes back first and collects what was queued while it was away
  const sub = await connectSubscriber(broker.port, index === 0);
  if (!subscriberOnline) await sub.endAsync();

  // a device with a will, connected when the broker dies
  const willTopic = `crash/will/${index}`;
  await connect(broker.port, { clientId: `crash-will-${index}`, clean: true, will: { topic: willTopic, payload: Buffer.from(`gone ${index}`), qos: 1, retain: true } });
  willsExpected.push(willTopic);

  const q1 = await connect(broker.port, { clientId: `crash-pub-q1-${index}`, clean: true });
  const q2 = await connect(broker.port, { clientId: `crash-pub-q2-${index}`, clean: true });
  const rp = await connect(broker.port, { clientId: `crash-pub-r-${index}`, clean: true });
  publishLoop(q1, 20, () => {
    const value = ++seq;
    return { topic: `crash/q1/${value % 7}`, value, qos: 1, retain: false, onAck: () => acked.q1.add(value) };
  });
  publishLoop(q2, 20, () => {
    const value = ++seq;
    return { topic: `crash/q2/${value % 7}`, value, qos: 2, retain: false, onAck: () => acked.q2.add(value) };
  });
  publishLoop(rp, 5, () => {
    const value = ++seq;
    const topic = `crash/r/${value % 10}`;
    const issued = retainedIssued.get(topic) ?? new Set<number>();
    retainedIssued.set(topic, issued.add(value));
    return { topic, value, qos: 1, retain: true, onAck: () => retainedAcked.set(topic, Math.max(value, retainedAcked.get(topic) ?? 0)) };
  });

  // wait until traffic flows, then kill at a random moment
  const ackedBefore = acked.q1.size + acked.q2.size;
  await vi.waitFor(() => expect(acked.q1.size + acked.q2.size).toBeGreaterThan(ackedBefore + 50), { timeout: 30_000, interval: 5 });
  await new Promise((r) => setTimeout(r, 50 + Math.random() * 700));
  broker.child.kill('SIGKILL');
  await broker.exited;
  for (const c of [sub, q1, q2, rp]) c.end(true);
}

describe('fleetwatch broker killed with SIGKILL under load', () => {
  it(`loses no acknowledged message and duplicates no QoS 2 message over ${ROUNDS} kill -9 rounds, and publishes the wills of the dead connections`, async () => {
    for (let r = 0; r < ROUNDS; r++) await round(r, r % 2 === 0);

    const broker = await startBroker();
    const sub = await connectSubscriber(broker.port, false);
    const missing = (kind: 'q1' | 'q2'): number[] => [...acked[kind]].filter((n) => !received[kind].has(n));
    await vi.waitFor(
      () => {
        expect(missing('q1'), 'acknowledged QoS 1 messages not delivered').toEqual([]);
        expect(missing('q2'), 'acknowledged QoS 2 messages not delivered').toEqual([]);
      },
      { timeout: 60_000, interval: 50 },
    );
    // let anything still in flight (a late duplicate) arrive: wait until deliveries stop
    let total = -1;
    await vi.waitFor(
      () => {
        const now = [...received.q1.values(), ...received.q2.values()].reduce((a, b) => a + b, 0);
        const quiet = now === total;
        total = now;
        if (!quiet) throw new Error('still receiving');
      },
      { timeout: 30_000, interval: 500 },
    );
    const duplicatedQos2 = [...received.q2].filter(([, count]) => count > 1).map(([n]) => n);
    expect(duplicatedQos2, 'QoS 2 messages delivered more than once').toEqual([]);
    expect(acked.q1.size + acked.q2.size).toBeGreaterThan(ROUNDS * 50);
    await sub.endAsync();

    // retained: the last acknowledged value or a newer published one, never an older one
    const retained = new Map<string, number>();
    const check = await connect(broker.port, { clientId: 'crash-check', clean: true }, (client) =>
      client.on('message', (topic, payload, packet) => {
        if (packet.retain) retained.set(topic, Number(payload.toString()));
      }),
    );
    await check.subscribeAsync({ 'crash/r/#': { qos: 1 }, 'crash/will/#': { qos: 1 } });
    await vi.waitFor(() => expect([...retainedAcked.keys(), ...willsExpected].filter((t) => !retained.has(t))).toEqual([]), { timeout: 20_000, interval: 20 });
    for (const [topic, value] of retainedAcked) {
      const now = retained.get(topic);
      expect(now, `${topic} lost its retained value`).toBeDefined();
      expect(now!, `${topic} went back to an older value`).toBeGreaterThanOrEqual(value);
      expect(retainedIssued.get(topic)!.has(now!), `${topic} holds a value never published`).toBe(true);
    }
    // the wills of the devices that were connected at each crash
    for (const topic of willsExpected) expect(retained.has(topic), `will ${topic} not published after the crash`).toBe(true);
    broker.child.kill('SIGTERM');
    await broker.exited;
  }, 300_000);
});
