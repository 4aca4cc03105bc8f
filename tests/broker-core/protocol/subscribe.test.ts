/** SUBSCRIBE / UNSUBSCRIBE [MQTT-3.8], [MQTT-3.10] and wildcard matching [MQTT-4.7] end to end. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

/** Publishes `topics` in order, then a marker; returns the topics `sub` received before the marker. */
async function delivered(sub: RawClient, topics: string[]): Promise<string[]> {
  const pub = await connect();
  for (const t of topics) pub.publish(t, t);
  pub.publish('zz/marker', 'end');
  const got: string[] = [];
  for (;;) {
    const p = await sub.nextPublish();
    if (p.topicName === 'zz/marker') return got;
    got.push(p.topicName);
  }
}

describe('SUBSCRIBE', () => {
  it('[MQTT-3.8.4-1] [MQTT-3.8.4-4] answers SUBACK with the packet id and one return code per filter, in order; 0x80 for a refused filter', async () => {
    const sub = await connect();
    sub.send({
      type: 'subscribe',
      packetId: 321,
      subscriptions: [
        { topicFilter: 'ok/+', qos: 1 },
        { topicFilter: 'bad/#/x', qos: 1 },
        { topicFilter: 'also+bad', qos: 0 },
        { topicFilter: '#', qos: 2 },
      ],
    });
    expect(await sub.next('suback')).toEqual({ type: 'suback', packetId: 321, returnCodes: [1, 0x80, 0x80, 2] });
    expect(b.broker.stats().subscriptionsCount).toBe(2);
  });

  it('[MQTT-4.7.1-2] [MQTT-4.7.1-3] routes by + and # wildcards', async () => {
    const sub = await connect();
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'sport/+/player1', qos: 0 }, { topicFilter: 'finance/#', qos: 0 }, { topicFilter: 'zz/marker', qos: 0 }] });
    await sub.next('suback');
    const got = await delivered(sub, ['sport/tennis/player1', 'sport/tennis/player2', 'sport/player1', 'finance', 'finance/stock/ibm', 'financex/y']);
    expect(got).toEqual(['sport/tennis/player1', 'finance', 'finance/stock/ibm']);
  });

  it('[MQTT-4.7.2-1] a leading wildcard does not match topics that begin with $', async () => {
    const sub = await connect();
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 0 }, { topicFilter: '+/info', qos: 0 }] });
    await sub.next('suback');
    const got = await delivered(sub, ['$app/info', 'dev/info', '$SYS/x']);
    expect(got).toEqual(['dev/info']);
  });

  it('[MQTT-3.8.4-3] a SUBSCRIBE with an existing filter replaces that subscription (new QoS), it does not add a second one', async () => {
    const sub = await connect();
    await sub.subscribe('rep', 0, 1);
    await sub.subscribe('rep', 2, 2);
    expect(b.broker.stats().subscriptionsCount).toBe(1);
    const pub = await connect();
    pub.publish('rep', 'x', { qos: 2, packetId: 1 });
    const p = await sub.nextPublish('rep');
    expect(p.qos).toBe(2);
    await pub.next('pubrec');
    await sub.sync();
    expect(sub.hasPublish('rep')).toBe(false);
  });

  it('reports subscription.added and subscription.removed', async () => {
    const events: string[] = [];
    b.broker.on('subscription.added', (e) => events.push(`+${e.clientId}:${e.topicFilter}:${e.qos}`));
    b.broker.on('subscription.removed', (e) => events.push(`-${e.clientId}:${e.topicFilter}`));
    const sub = await connect({ clientId: 'ev' });
    await sub.subscribe('a/b', 1);
    sub.send({ type: 'unsubscribe', packetId: 2, topicFilters: ['a/b', 'not/there'] });
    await sub.next('unsuback');
    expect(events).toEqual(['+ev:a/b:1', '-ev:a/b']);
  });
});

describe('UNSUBSCRIBE', () => {
  it('[MQTT-3.10.4-4] [MQTT-3.10.4-5] answers UNSUBACK with the packet id, also when nothing matched', async () => {
    const sub = await connect();
    sub.send({ type: 'unsubscribe', packetId: 99, topicFilters: ['never/subscribed'] });
    expect(await sub.next('unsuback')).toEqual({ type: 'unsuback', packetId: 99 });
  });

  it('[MQTT-3.10.4-1] [MQTT-3.10.4-2] deletes only the subscription whose filter is character-for-character equal and stops delivery', async () => {
    const sub = await connect();
    sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'u/+', qos: 0 }, { topicFilter: 'u/#', qos: 0 }, { topicFilter: 'zz/marker', qos: 0 }] });
    await sub.next('suback');
    sub.send({ type: 'unsubscribe', packetId: 2, topicFilters: ['u/+', 'U/#'] });
    await sub.next('unsuback');
    expect(await delivered(sub, ['u/1', 'u/1/2'])).toEqual(['u/1', 'u/1/2']); // still via u/#
    sub.send({ type: 'unsubscribe', packetId: 3, topicFilters: ['u/#'] });
    await sub.next('unsuback');
    expect(await delivered(sub, ['u/1', 'u/1/2'])).toEqual([]);
  });

  it('[MQTT-3.10.4-3] completes a QoS 1 message already in flight after the unsubscribe', async () => {
    const sub = await connect();
    await sub.subscribe('inflight', 1);
    const pub = await connect();
    pub.publish('inflight', 'x', { qos: 1, packetId: 1 });
    const p = await sub.nextPublish('inflight');
    sub.send({ type: 'unsubscribe', packetId: 2, topicFilters: ['inflight'] });
    await sub.next('unsuback');
    expect(b.broker.stats().inflightCount).toBe(1);
    sub.send({ type: 'puback', packetId: p.packetId! });
    await sub.sync();
    expect(b.broker.stats().inflightCount).toBe(0);
  });
});

describe('PINGREQ', () => {
  it('[MQTT-3.12.4-1] answers PINGRESP', async () => {
    const c = await connect();
    c.send({ type: 'pingreq' });
    expect(await c.next('pingresp')).toEqual({ type: 'pingresp' });
  });
});

describe('packets only a server sends', () => {
  it.each(['connack', 'suback', 'unsuback', 'pingresp'] as const)('closing the connection when a client sends %s', async (type) => {
    const c = await connect();
    if (type === 'connack') c.send({ type, sessionPresent: false, returnCode: 0 });
    else if (type === 'suback') c.send({ type, packetId: 1, returnCodes: [0] });
    else if (type === 'unsuback') c.send({ type, packetId: 1 });
    else c.send({ type });
    await c.closed;
  });
});
