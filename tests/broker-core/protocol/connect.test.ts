/** CONNECT / CONNACK flows [MQTT-3.1], [MQTT-3.2] over real TCP sockets. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/raw-client.js';
import { entry } from '../../support/packet-catalogue.js';
import type { ClientInfo, DisconnectReason } from '../../../broker-core/index.js';

let b: TestBroker;
const clients: RawClient[] = [];

async function connect(opts: Parameters<typeof RawClient.connect>[1] = {}) {
  const result = await RawClient.connect(b.port, opts);
  clients.push(result.client);
  return result;
}

async function open() {
  const client = await RawClient.open(b.port);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  b = await startTestBroker();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await b.close();
});

describe('CONNECT', () => {
  it('[MQTT-3.2.0-1] answers a valid CONNECT with CONNACK 0 as its first packet', async () => {
    const { connack } = await connect({ clientId: 'dev-1' });
    expect(connack).toEqual({ type: 'connack', sessionPresent: false, returnCode: 0 });
    expect(b.broker.clients().map((c) => c.clientId)).toEqual(['dev-1']);
  });

  it('[MQTT-3.1.0-1] closes a connection whose first packet is not CONNECT', async () => {
    const client = await open();
    client.send({ type: 'pingreq' });
    await client.closed;
    expect(client.received).toEqual([]);
  });

  it('[MQTT-3.1.0-2] treats a second CONNECT as a protocol violation and closes the connection', async () => {
    const reasons: DisconnectReason[] = [];
    b.broker.on('client.disconnected', (e) => reasons.push(e.reason));
    const { client } = await connect({ clientId: 'twice' });
    client.send({ type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 0, clientId: 'twice' });
    await client.closed;
    expect(reasons).toEqual(['protocol-violation']);
  });

  it('[MQTT-3.1.2-2] answers an unsupported protocol level with CONNACK 0x01 and closes', async () => {
    const refused: number[] = [];
    b.broker.on('client.refused', (e) => refused.push(e.returnCode));
    const client = await open();
    client.sendBytes(entry('connect-mqtt5-returned-for-connack-0x01').bytes);
    const connack = await client.next('connack');
    expect(connack).toEqual({ type: 'connack', sessionPresent: false, returnCode: 1 });
    await client.closed;
    expect(refused).toEqual([1]);
  });

  it('[MQTT-3.1.2-2] answers "MQTT" at level 3 with CONNACK 0x01', async () => {
    const client = await open();
    client.sendBytes(entry('connect-mqtt-name-with-level-3-returned').bytes);
    expect((await client.next('connack')).returnCode).toBe(1);
    await client.closed;
  });

  it('[MQTT-3.1.2-1] closes without CONNACK when the protocol name is unknown', async () => {
    const client = await open();
    client.sendBytes(entry('connect-unknown-protocol-name').bytes);
    await client.closed;
    expect(client.received).toEqual([]);
  });

  it('accepts MQTT 3.1 clients ("MQIsdp", level 3) and reports the protocol', async () => {
    const connected: ClientInfo[] = [];
    b.broker.on('client.connected', (e) => connected.push(e));
    const client = await open();
    client.sendBytes(entry('connect-3.1-mqisdp').bytes);
    expect((await client.next('connack')).returnCode).toBe(0);
    expect(connected[0]).toMatchObject({ protocol: 'MQTT 3.1', protocolLevel: 3 });
  });

  it('[MQTT-3.1.3-8] refuses a zero-length client id with clean session 0 (CONNACK 0x02) and closes', async () => {
    const { client, connack } = await connect({ clientId: '', cleanSession: false });
    expect(connack).toEqual({ type: 'connack', sessionPresent: false, returnCode: 2 });
    await client.closed;
  });

  it('[MQTT-3.1.3-6] assigns a unique client id to a zero-length id with clean session 1', async () => {
    const { connack } = await connect({ clientId: '', cleanSession: true });
    const second = await connect({ clientId: '', cleanSession: true });
    expect(connack.returnCode).toBe(0);
    expect(second.connack.returnCode).toBe(0);
    const ids = b.broker.clients().map((c) => c.clientId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id.length).toBeGreaterThan(0);
  });

  it('[MQTT-3.1.3-5] accepts client ids longer than 23 characters and outside [0-9a-zA-Z]', async () => {
    const { connack } = await connect({ clientId: 'tasmota_ABC123/sonoff-basic-kitchen-ünïcode' });
    expect(connack.returnCode).toBe(0);
  });

  it('[MQTT-3.2.2-1] [MQTT-3.2.2-2] [MQTT-3.2.2-3] sets session present only when a clean-session-0 session is resumed', async () => {
    const first = await connect({ clientId: 'persist', cleanSession: false });
    expect(first.connack.sessionPresent).toBe(false);
    await first.client.disconnect();
    const second = await connect({ clientId: 'persist', cleanSession: false });
    expect(second.connack.sessionPresent).toBe(true);
    await second.client.disconnect();
    // [MQTT-3.1.2-6] clean session 1 discards the stored session: present = 0
    const third = await connect({ clientId: 'persist', cleanSession: true });
    expect(third.connack.sessionPresent).toBe(false);
    await third.client.disconnect();
    const fourth = await connect({ clientId: 'persist', cleanSession: false });
    expect(fourth.connack.sessionPresent).toBe(false);
  });

  it('[MQTT-3.1.4-2] a second connection with the same client id takes over and closes the first', async () => {
    const events: { reason: DisconnectReason; clientId: string }[] = [];
    b.broker.on('client.disconnected', (e) => events.push({ reason: e.reason, clientId: e.clientId }));
    const first = await connect({ clientId: 'same', cleanSession: false });
    await first.client.subscribe('t/#', 1);
    const second = await connect({ clientId: 'same', cleanSession: false });
    await first.client.closed;
    expect(second.connack).toEqual({ type: 'connack', sessionPresent: true, returnCode: 0 });
    expect(events).toEqual([{ reason: 'taken-over', clientId: 'same' }]);
    // the session (and its subscription) moved to the new connection
    const publisher = await connect();
    publisher.client.publish('t/x', 'moved');
    expect(Buffer.from((await second.client.nextPublish('t/x')).payload).toString()).toBe('moved');
    expect(b.broker.clients().filter((c) => c.clientId === 'same')).toHaveLength(1);
  });

  it('reports client.connected with id, address, protocol, keepalive and will', async () => {
    const connected: (ClientInfo & { sessionPresent: boolean })[] = [];
    b.broker.on('client.connected', (e) => connected.push(e));
    await connect({ clientId: 'info', keepalive: 42, will: { topicName: 'w', payload: Buffer.from('bye'), qos: 1, retain: true }, username: 'u' });
    expect(connected).toHaveLength(1);
    const e = connected[0]!;
    expect(e).toMatchObject({ clientId: 'info', transport: 'tcp', protocol: 'MQTT 3.1.1', protocolLevel: 4, keepalive: 42, cleanSession: true, username: 'u', sessionPresent: false });
    expect(e.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(e.will).toMatchObject({ topicName: 'w', qos: 1, retain: true });
    expect(Buffer.from(e.will!.payload).toString()).toBe('bye');
  });
});

describe('authentication hook', () => {
  it('hands client id, username, password and address to the hook and refuses with its code', async () => {
    await b.close();
    const seen: unknown[] = [];
    b = await startTestBroker({
      authenticate: (req) => {
        seen.push({ ...req, password: req.password === undefined ? undefined : Buffer.from(req.password).toString() });
        return req.username === 'good' && req.password !== undefined && Buffer.from(req.password).toString() === 'pw' ? 0 : 4;
      },
    });
    const ok = await connect({ clientId: 'a', username: 'good', password: Buffer.from('pw') });
    expect(ok.connack.returnCode).toBe(0);
    const bad = await connect({ clientId: 'b', username: 'good', password: Buffer.from('nope') });
    expect(bad.connack).toEqual({ type: 'connack', sessionPresent: false, returnCode: 4 });
    await bad.client.closed;
    expect(seen[0]).toMatchObject({ clientId: 'a', username: 'good', password: 'pw' });
    expect((seen[0] as { address: string }).address).toMatch(/^127\.0\.0\.1:/);
  });

  it('waits for an asynchronous hook and keeps the packets that arrive meanwhile in order', async () => {
    await b.close();
    let release: (code: number) => void = () => undefined;
    b = await startTestBroker({ authenticate: () => new Promise<number>((resolve) => (release = resolve)) });
    const client = await open();
    client.send({ type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 0, clientId: 'slow' });
    client.send({ type: 'subscribe', packetId: 7, subscriptions: [{ topicFilter: 'x', qos: 0 }] });
    client.publish('x', 'after-auth');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.received).toEqual([]);
    release(0);
    expect((await client.next('connack')).returnCode).toBe(0);
    expect((await client.next('suback')).returnCodes).toEqual([0]);
    expect(Buffer.from((await client.nextPublish('x')).payload).toString()).toBe('after-auth');
  });

  it('answers CONNACK 0x05 when the hook rejects with something that is not a refusal code', async () => {
    await b.close();
    b = await startTestBroker({ authenticate: () => 99 });
    const { connack, client } = await connect();
    expect(connack.returnCode).toBe(5);
    await client.closed;
  });

  it('accepts anonymous clients when no hook is configured', async () => {
    const { connack } = await connect({ clientId: 'anon' });
    expect(connack.returnCode).toBe(0);
  });
});
