/** The host-facing surface: inline client, typed events, $SYS statistics, bounds, WebSocket listener. */

import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { text, useRawBrokerHarness } from '../../support/raw-broker-harness.js';
import { RawClient } from '../../support/raw-client.js';
import { invalidEntries } from '../../support/packet-catalogue.js';
import type { InlineMessage, PublishedMessage } from '../../../broker-core/index.js';
import { encodePacket } from '../../../broker-core/codec/index.js';

const { broker, connect, current, track } = useRawBrokerHarness();

describe('inline client', () => {
  it('publishes to socket subscribers and receives socket publishes, with retained matches first', async () => {
    await broker();
    const sub = await connect();
    await sub.subscribe('app/#', 1);
    await current().broker.inline.publish({ topicName: 'app/cmd', payload: 'on', qos: 1 });
    const p = await sub.nextPublish('app/cmd');
    expect([text(p), p.qos]).toEqual(['on', 1]);

    await current().broker.inline.publish({ topicName: 'dev/state', payload: 'retained', retain: true });
    const got: InlineMessage[] = [];
    const unsubscribe = await current().broker.inline.subscribe('dev/#', (m) => got.push(m), { qos: 1 });
    expect(got.map((m) => [m.topicName, Buffer.from(m.payload).toString(), m.retain])).toEqual([['dev/state', 'retained', true]]);
    const pub = await connect({ clientId: 'device-7' });
    pub.publish('dev/temp', '20', { qos: 2, packetId: 1 });
    await pub.next('pubrec');
    expect(got[1]).toMatchObject({ topicName: 'dev/temp', qos: 1, retain: false, publisherId: 'device-7' });
    unsubscribe();
    pub.publish('dev/temp', '21');
    await pub.sync();
    expect(got).toHaveLength(2);
  });

  it('rejects invalid topic names and filters', async () => {
    await broker();
    await expect(current().broker.inline.publish({ topicName: 'a/+', payload: 'x' })).rejects.toThrow(/MQTT-3.3.2-2/);
    await expect(current().broker.inline.subscribe('a/#/b', () => undefined)).rejects.toThrow(/MQTT-4.7.1-2/);
  });
});

describe('events', () => {
  it('reports message.published with the publishing client id, and disconnect reasons', async () => {
    await broker();
    const published: PublishedMessage[] = [];
    const reasons: string[] = [];
    current().broker.on('message.published', (m) => published.push(m));
    const off = current().broker.on('client.disconnected', (e) => reasons.push(`${e.clientId}:${e.reason}`));
    const pub = await connect({ clientId: 'sensor-1' });
    pub.publish('t', 'v', { qos: 1, retain: true, packetId: 1 });
    await pub.next('puback');
    await pub.disconnect();
    off();
    const other = await connect({ clientId: 'x' });
    other.destroy();
    await other.closed;
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ topicName: 't', qos: 1, retain: true, publisherId: 'sensor-1', isWill: false });
    expect(reasons).toEqual(['sensor-1:clean']);
  });

  it('keeps serving when an event listener throws', async () => {
    await broker();
    current().broker.on('client.connected', () => {
      throw new Error('listener bug');
    });
    const warned = new Promise((resolve) => process.once('warning', resolve));
    const c = await connect();
    await warned;
    c.send({ type: 'pingreq' });
    await c.next('pingresp');
  });
});

describe('$SYS statistics', () => {
  it('publishes mosquitto-style $SYS topics, retained, that # does not match', async () => {
    await broker({ sysInterval: 1 });
    const all = await connect();
    await all.subscribe('#', 0);
    const sys = await connect();
    await sys.subscribe('$SYS/#', 0);
    const seen = new Map<string, string>();
    const wanted = ['$SYS/broker/version', '$SYS/broker/uptime', '$SYS/broker/clients/connected', '$SYS/broker/messages/received', '$SYS/broker/messages/sent', '$SYS/broker/bytes/received', '$SYS/broker/bytes/sent', '$SYS/broker/retained messages/count', '$SYS/broker/subscriptions/count', '$SYS/broker/publish/messages/dropped'];
    // values are re-published when they change: wait until this test's clients are counted
    while (!wanted.every((t) => seen.has(t)) || Number(seen.get('$SYS/broker/clients/connected')) < 2) {
      const p = await sys.nextPublish();
      seen.set(p.topicName, text(p));
    }
    expect(seen.get('$SYS/broker/version')).toMatch(/^fleetwatch /);
    expect(seen.get('$SYS/broker/uptime')).toMatch(/^\d+ seconds$/);
    await all.sync();
    expect(all.hasPublish()).toBe(false);
  });
});

describe('bounds', () => {
  it('closes a connection whose packet exceeds maxPacketSize, and only that one', async () => {
    await broker({ limits: { maxPacketSize: 1024 } });
    const reasons: string[] = [];
    current().broker.on('client.disconnected', (e) => reasons.push(e.reason));
    const ok = await connect();
    const big = await connect();
    big.publish('big', Buffer.alloc(2000));
    await big.closed;
    expect(reasons).toEqual(['limit-exceeded']);
    ok.publish('small', Buffer.alloc(500));
    await ok.sync();
  });

  it('refuses sockets beyond maxConnections and counts them', async () => {
    await broker({ limits: { maxConnections: 2 } });
    await connect();
    await connect();
    const third = await RawClient.open(current().port);
    await third.closed;
    expect(current().broker.stats().connectionsRefused).toBe(1);
  });
});

describe('hostile bytes', () => {
  // 'too-large' entries assume a tiny decoder limit; the bounds tests above cover that case.
  const clientSent = invalidEntries.filter((e) => e.sender === 'client' && !e.name.startsWith('connect-') && e.error.kind !== 'too-large');
  it(`closes only the offending connection for each of ${clientSent.length} invalid catalogue packets`, async () => {
    await broker();
    const bystander = await connect();
    await bystander.subscribe('by', 0);
    for (const e of clientSent) {
      const c = await connect();
      c.sendBytes(e.bytes);
      await c.closed;
    }
    bystander.publish('by', 'still here');
    expect(text(await bystander.nextPublish('by'))).toBe('still here');
  });

  it('closes connections that send an invalid CONNECT from the catalogue', async () => {
    await broker();
    const invalidConnects = invalidEntries.filter((e) => e.name.startsWith('connect-'));
    expect(invalidConnects.length).toBeGreaterThan(5);
    for (const e of invalidConnects) {
      const c = await RawClient.open(current().port);
      track(c);
      c.sendBytes(e.bytes);
      await c.closed;
      expect(c.received).toEqual([]);
    }
  });
});

describe('WebSocket listener', () => {
  it('serves MQTT.js over ws://…/mqtt with subprotocol mqtt, interoperating with TCP clients', async () => {
    await broker();
    const ws = await mqtt.connectAsync(`ws://127.0.0.1:${current().wsPort}/mqtt`, { clientId: 'browser', reconnectPeriod: 0 });
    await ws.subscribeAsync('w/#', { qos: 1 });
    const got = new Promise<string>((resolve) => ws.on('message', (_t, payload) => resolve(payload.toString())));
    const tcp = await connect();
    tcp.publish('w/x', 'from-tcp', { qos: 1, packetId: 1 });
    expect(await got).toBe('from-tcp');
    expect(current().broker.clients().find((c) => c.clientId === 'browser')?.transport).toBe('ws');
    await ws.endAsync();
  });

  it('accepts packets split across and packed into binary frames, and closes on a text frame [MQTT-6.0.0-1]', async () => {
    await broker();
    const sock = new WebSocket(`ws://127.0.0.1:${current().wsPort}/mqtt`, 'mqtt');
    await new Promise((resolve, reject) => {
      sock.once('open', resolve);
      sock.once('error', reject);
    });
    expect(sock.protocol).toBe('mqtt');
    const frames: Buffer[] = [];
    sock.on('message', (d) => frames.push(d as Buffer));
    const connect = encodePacket({ type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 0, clientId: 'frames' });
    sock.send(connect.subarray(0, 5));
    sock.send(Buffer.concat([connect.subarray(5), encodePacket({ type: 'pingreq' })]));
    await new Promise<void>((resolve) => {
      const check = () => (Buffer.concat(frames).length >= 6 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect([...Buffer.concat(frames)]).toEqual([0x20, 2, 0, 0, 0xd0, 0]);
    const closed = new Promise((resolve) => sock.once('close', resolve));
    sock.send('text is not allowed');
    await closed;
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    await broker();
    const sock = new WebSocket(`ws://127.0.0.1:${current().wsPort}/other`, 'mqtt');
    const outcome = await new Promise((resolve) => {
      sock.once('open', () => resolve('open'));
      sock.once('error', () => resolve('error'));
    });
    expect(outcome).toBe('error');
  });
});
