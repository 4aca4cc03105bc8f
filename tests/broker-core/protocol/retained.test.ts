/** Retained messages [MQTT-3.3.1-5..11] and the retained management API. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { text } from '../../support/raw-broker-harness.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/raw-client.js';

let b: TestBroker;
const clients: RawClient[] = [];
async function connect(opts: Parameters<typeof RawClient.connect>[1] = {}) {
  const result = await RawClient.connect(b.port, opts);
  clients.push(result.client);
  return result.client;
}

beforeEach(async () => {
  b = await startTestBroker();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await b.close();
});

describe('retained messages', () => {
  it('[MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-8] stores a retained message with its QoS and sends it with RETAIN=1 to a new subscription', async () => {
    const pub = await connect({ clientId: 'publisher' });
    pub.publish('home/temp', '21.5', { qos: 1, retain: true, packetId: 1 });
    await pub.next('puback');
    const sub = await connect();
    await sub.subscribe('home/+', 2);
    const p = await sub.nextPublish('home/temp');
    expect([p.retain, p.qos, text(p)]).toEqual([true, 1, '21.5']);
    expect(b.broker.retained()).toMatchObject([{ topicName: 'home/temp', qos: 1, publisherId: 'publisher' }]);
    expect(b.broker.retainedCount()).toBe(1);
  });

  it('sends a retained message at min(stored QoS, granted QoS)', async () => {
    const pub = await connect();
    pub.publish('r/q2', 'x', { qos: 2, retain: true, packetId: 1 });
    await pub.next('pubrec');
    const sub = await connect();
    await sub.subscribe('r/q2', 0);
    const p = await sub.nextPublish('r/q2');
    expect([p.retain, p.qos]).toEqual([true, 0]);
  });

  it('[MQTT-3.3.1-9] forwards with RETAIN=0 to subscriptions that existed when the retained message was published', async () => {
    const sub = await connect();
    await sub.subscribe('live', 0);
    const pub = await connect();
    pub.publish('live', 'now', { retain: true });
    const p = await sub.nextPublish('live');
    expect(p.retain).toBe(false);
  });

  it('[MQTT-3.3.1-7] a new retained message (QoS 0 too) replaces the previous one for the topic', async () => {
    const pub = await connect();
    pub.publish('rep', 'old', { qos: 1, retain: true, packetId: 1 });
    await pub.next('puback');
    pub.publish('rep', 'new', { qos: 0, retain: true });
    await pub.sync();
    const sub = await connect();
    await sub.subscribe('rep', 1);
    const p = await sub.nextPublish('rep');
    expect([text(p), p.qos]).toEqual(['new', 0]);
    await sub.sync();
    expect(sub.hasPublish('rep')).toBe(false);
    expect(b.broker.retainedCount()).toBe(1);
  });

  it('[MQTT-3.3.1-10] [MQTT-3.3.1-11] a zero-byte retained PUBLISH deletes the retained message, is not stored, and still reaches current subscribers', async () => {
    const pub = await connect();
    pub.publish('gone', 'value', { retain: true });
    await pub.sync();
    const current = await connect();
    await current.subscribe('gone', 0);
    expect(text(await current.nextPublish('gone'))).toBe('value');
    pub.publish('gone', '', { retain: true, qos: 1, packetId: 2 });
    await pub.next('puback');
    const p = await current.nextPublish('gone');
    expect([p.payload.length, p.retain]).toEqual([0, false]);
    expect(b.broker.retainedCount()).toBe(0);
    const later = await connect();
    await later.subscribe('gone', 0);
    await later.sync();
    expect(later.hasPublish('gone')).toBe(false);
  });

  it('[MQTT-3.8.4-3] re-subscribing with the same filter re-sends the retained messages', async () => {
    const pub = await connect();
    pub.publish('again', 'r', { retain: true });
    await pub.sync();
    const sub = await connect();
    await sub.subscribe('again', 0, 1);
    expect((await sub.nextPublish('again')).retain).toBe(true);
    await sub.subscribe('again', 1, 2);
    expect((await sub.nextPublish('again')).retain).toBe(true);
  });

  it('sends the retained messages after the SUBACK', async () => {
    const pub = await connect();
    pub.publish('order/r', 'r', { retain: true });
    await pub.sync();
    const sub = await connect();
    sub.send({ type: 'subscribe', packetId: 5, subscriptions: [{ topicFilter: 'order/#', qos: 0 }] });
    const first = await sub.nextMatching((p) => p.type === 'suback' || p.type === 'publish');
    expect(first.type).toBe('suback');
  });

  it('[MQTT-4.7.2-1] a # subscription does not receive retained $-topics, a $SYS/# one does', async () => {
    await b.broker.inline.publish({ topicName: '$SYS/test/value', payload: '1', retain: true });
    await b.broker.inline.publish({ topicName: 'plain', payload: '2', retain: true });
    const sub = await connect();
    await sub.subscribe('#', 0);
    expect((await sub.nextPublish('plain')).retain).toBe(true);
    await sub.sync();
    expect(sub.hasPublish('$SYS/test/value')).toBe(false);
    await sub.subscribe('$SYS/#', 0, 2);
    expect(text(await sub.nextPublish('$SYS/test/value'))).toBe('1');
  });

  it('delivers 20 000 retained messages to a new # subscriber', async () => {
    for (let i = 0; i < 20_000; i++) await b.broker.inline.publish({ topicName: `fleet/dev${i % 200}/s${i}`, payload: String(i), retain: true });
    const sub = await connect();
    await sub.subscribe('#', 0);
    const seen = new Set<string>();
    while (seen.size < 20_000) {
      const p = await sub.nextPublish();
      expect(p.retain).toBe(true);
      seen.add(p.topicName);
    }
  });

  it('lists retained messages by filter and clears one without delivering anything', async () => {
    await b.broker.inline.publish({ topicName: 'a/1', payload: 'x', retain: true, qos: 1 });
    await b.broker.inline.publish({ topicName: 'a/2', payload: 'y', retain: true });
    await b.broker.inline.publish({ topicName: 'b/1', payload: 'z', retain: true });
    const listed = b.broker.retained('a/+').map((r) => r.topicName).sort();
    expect(listed).toEqual(['a/1', 'a/2']);
    const record = b.broker.retained('a/1')[0]!;
    expect(record).toMatchObject({ topicName: 'a/1', qos: 1, publisherId: '$inline' });
    expect(record.storedAt).toBeGreaterThan(0);
    const sub = await connect();
    await sub.subscribe('a/1', 0);
    expect((await sub.nextPublish('a/1')).retain).toBe(true);
    await b.broker.clearRetained('a/1');
    expect(b.broker.retained().map((r) => r.topicName).sort()).toEqual(['a/2', 'b/1']);
    await sub.sync();
    expect(sub.hasPublish('a/1')).toBe(false);
    expect(() => b.broker.retained('a/#/b')).toThrow(/MQTT-4.7.1-2/);
  });
});
