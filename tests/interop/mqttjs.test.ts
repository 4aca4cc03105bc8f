/**
 * Interoperability with MQTT.js (the client browser dashboards use), over TCP and over
 * WebSocket (ws://…/mqtt), against our broker on 127.0.0.1.
 */

import { once as onceEmitted, type EventEmitter } from 'node:events';

/** node's once() for MQTT.js clients (their typed emitter is not an EventEmitter to TypeScript) */
const once = (emitter: object, event: string) => onceEmitted(emitter as EventEmitter, event);
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { startTestBroker, type TestBroker } from '../support/broker.js';

let b: TestBroker;
const open: MqttClient[] = [];

beforeAll(async () => {
  b = await startTestBroker({ sysInterval: 1 });
});
afterEach(async () => {
  for (const c of open.splice(0)) c.end(true);
});
afterAll(async () => {
  await b.close();
});

interface Received {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

describe.each(['tcp', 'ws'] as const)('MQTT.js over %s', (transport) => {
  const url = () => (transport === 'tcp' ? `mqtt://127.0.0.1:${b.port}` : `ws://127.0.0.1:${b.wsPort}/mqtt`);
  const id = (name: string) => `${transport}-${name}`;

  /** Connects with the message recorder attached before CONNECT (queued messages follow CONNACK at once). */
  async function client(options: IClientOptions = {}): Promise<{ c: MqttClient; got: Received[]; sessionPresent: boolean }> {
    const c = mqtt.connect(url(), { reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    open.push(c);
    const got: Received[] = [];
    c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain }));
    const [connack] = (await once(c, 'connect')) as [{ sessionPresent: boolean }];
    return { c, got, sessionPresent: connack.sessionPresent };
  }

  async function until(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('[MQTT-4.3] publishes and receives QoS 0, 1 and 2', async () => {
    const s = await client();
    await s.c.subscribeAsync(`${transport}/q/#`, { qos: 2 });
    const p = await client();
    for (const qos of [0, 1, 2] as const) await p.c.publishAsync(`${transport}/q/${qos}`, `q${qos}`, { qos });
    await until(() => s.got.length === 3);
    expect(s.got.sort((x, y) => x.topic.localeCompare(y.topic)).map((m) => [m.payload, m.qos])).toEqual([['q0', 0], ['q1', 1], ['q2', 2]]);
  });

  it('[MQTT-3.3.1-6] [MQTT-3.3.1-9] retained flags and [MQTT-3.3.1-10] deletion', async () => {
    const p = await client();
    await p.c.publishAsync(`${transport}/r`, 'stored', { qos: 1, retain: true });
    const s = await client();
    await s.c.subscribeAsync(`${transport}/r`, { qos: 1 });
    await until(() => s.got.length === 1);
    await p.c.publishAsync(`${transport}/r`, 'live', { qos: 1, retain: true });
    await p.c.publishAsync(`${transport}/r`, '', { qos: 1, retain: true });
    await until(() => s.got.length === 3);
    expect(s.got.map((m) => [m.payload, m.retain])).toEqual([['stored', true], ['live', false], ['', false]]);
    expect(b.broker.retained(`${transport}/r`)).toEqual([]);
  });

  it('[MQTT-3.1.2-8] publishes the will when the client vanishes, and [MQTT-3.14.4-3] not after DISCONNECT', async () => {
    const w = await client();
    await w.c.subscribeAsync(`${transport}/will/#`, { qos: 1 });
    const polite = await client({ clientId: id('polite'), will: { topic: `${transport}/will/polite`, payload: Buffer.from('never'), qos: 1, retain: false } });
    await polite.c.endAsync();
    const rude = await client({ clientId: id('rude'), will: { topic: `${transport}/will/rude`, payload: Buffer.from('gone'), qos: 1, retain: false } });
    rude.c.stream.destroy();
    await until(() => w.got.length === 1);
    expect(w.got).toEqual([{ topic: `${transport}/will/rude`, payload: 'gone', qos: 1, retain: false }]);
  });

  it('[MQTT-3.2.2-2] resumes a persistent session with queued messages (sessionPresent)', async () => {
    const first = await client({ clientId: id('persist'), clean: false });
    expect(first.sessionPresent).toBe(false);
    await first.c.subscribeAsync(`${transport}/persist`, { qos: 1 });
    await first.c.endAsync();
    const p = await client();
    for (let i = 0; i < 5; i++) await p.c.publishAsync(`${transport}/persist`, `m${i}`, { qos: 1 });
    const again = await client({ clientId: id('persist'), clean: false });
    expect(again.sessionPresent).toBe(true);
    await until(() => again.got.length === 5);
    expect(again.got.map((m) => m.payload)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('[MQTT-3.1.4-2] closes the older connection when the client id connects again', async () => {
    const first = await client({ clientId: id('twin') });
    const closed = once(first.c, 'close');
    await client({ clientId: id('twin') });
    await closed;
    expect(b.broker.clients().filter((c) => c.clientId === id('twin'))).toHaveLength(1);
  });

  it('[MQTT-4.7.2-1] # does not deliver $SYS; $SYS/# does', async () => {
    const s = await client();
    await s.c.subscribeAsync('#', { qos: 0 });
    await s.c.subscribeAsync('$SYS/broker/version', { qos: 0 });
    await until(() => s.got.some((m) => m.topic === '$SYS/broker/version'));
    expect(s.got.filter((m) => m.topic.startsWith('$') && m.topic !== '$SYS/broker/version')).toEqual([]);
  });

  it('[MQTT-3.10.4-2] stops delivery after unsubscribe', async () => {
    const s = await client();
    await s.c.subscribeAsync([`${transport}/u/#`, `${transport}/end`], { qos: 1 });
    await s.c.unsubscribeAsync(`${transport}/u/#`);
    const p = await client();
    await p.c.publishAsync(`${transport}/u/x`, 'dropped', { qos: 1 });
    await p.c.publishAsync(`${transport}/end`, 'end', { qos: 1 });
    await until(() => s.got.length === 1);
    expect(s.got.map((m) => m.topic)).toEqual([`${transport}/end`]);
  });

  it('accepts MQTT 3.1 and refuses MQTT 5 with CONNACK 0x01 [MQTT-3.1.2-2]', async () => {
    const v31 = await client({ protocolId: 'MQIsdp', protocolVersion: 3 });
    expect(v31.c.connected).toBe(true);
    const v5 = mqtt.connect(url(), { reconnectPeriod: 0, protocolVersion: 5 });
    open.push(v5);
    const [err] = (await once(v5, 'error')) as [Error & { code?: number }];
    expect(err.code).toBe(1);
  });

  it('[MQTT-3.1.2-24] disconnects a client that stops sending PINGREQ', async () => {
    const reasons: string[] = [];
    const off = b.broker.on('client.disconnected', (e) => e.clientId === id('sleepy') && reasons.push(e.reason));
    const s = await client({ clientId: id('sleepy'), keepalive: 1 });
    // MQTT.js pings only via its own timer: stop it so the client falls silent
    s.c.stream.pause();
    (s.c as unknown as { _destroyKeepaliveManager?: () => void })._destroyKeepaliveManager?.();
    (s.c as unknown as { keepaliveManager?: { destroy(): void } }).keepaliveManager?.destroy();
    await until(() => reasons.length > 0);
    off();
    expect(reasons).toEqual(['keepalive-timeout']);
  });

  it('talks to the in-process client of the app', async () => {
    const fromApp: string[] = [];
    const unsubscribe = await b.broker.inline.subscribe(`${transport}/app/in`, (m) => fromApp.push(Buffer.from(m.payload).toString()));
    const s = await client();
    await s.c.subscribeAsync(`${transport}/app/out`, { qos: 1 });
    await b.broker.inline.publish({ topicName: `${transport}/app/out`, payload: 'to-client', qos: 1 });
    await s.c.publishAsync(`${transport}/app/in`, 'to-app', { qos: 1 });
    await until(() => s.got.length === 1 && fromApp.length === 1);
    expect([s.got[0]?.payload, fromApp[0]]).toEqual(['to-client', 'to-app']);
    unsubscribe();
  });
});
