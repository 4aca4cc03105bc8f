/** QoS 0/1/2 in both directions [MQTT-4.3], redelivery [MQTT-4.4], ordering [MQTT-4.6], overlap [MQTT-3.3.5]. */

import { describe, expect, it } from 'vitest';
import { text, useRawBrokerHarness } from '../../support/raw-broker-harness.js';

const { broker, connect, current } = useRawBrokerHarness();

describe('QoS flows from a publishing client', () => {
  it('[MQTT-4.3.1-1] QoS 0: delivers without any acknowledgement', async () => {
    await broker();
    const sub = await connect();
    await sub.subscribe('q0', 0);
    const pub = await connect();
    pub.publish('q0', 'fire-and-forget');
    expect(text(await sub.nextPublish('q0'))).toBe('fire-and-forget');
    await pub.sync();
    expect(pub.received).toEqual([]);
  });

  it('[MQTT-4.3.2-2] QoS 1: answers PUBACK with the packet id', async () => {
    await broker();
    const pub = await connect();
    pub.publish('q1', 'x', { qos: 1, packetId: 4321 });
    expect(await pub.next('puback')).toEqual({ type: 'puback', packetId: 4321 });
  });

  it('[MQTT-4.3.3-2] QoS 2: PUBREC, then PUBCOMP for the PUBREL; delivered exactly once even when re-sent before PUBREL', async () => {
    await broker();
    const sub = await connect();
    await sub.subscribe('q2', 2);
    const pub = await connect();
    pub.publish('q2', 'once', { qos: 2, packetId: 9 });
    expect(await pub.next('pubrec')).toEqual({ type: 'pubrec', packetId: 9 });
    // the sender did not see the PUBREC and re-sends with DUP=1: acknowledged, not delivered again
    pub.publish('q2', 'once', { qos: 2, packetId: 9, dup: true });
    expect(await pub.next('pubrec')).toEqual({ type: 'pubrec', packetId: 9 });
    pub.send({ type: 'pubrel', packetId: 9 });
    expect(await pub.next('pubcomp')).toEqual({ type: 'pubcomp', packetId: 9 });
    const first = await sub.nextPublish('q2');
    sub.send({ type: 'pubrec', packetId: first.packetId! });
    await sub.next('pubrel');
    sub.send({ type: 'pubcomp', packetId: first.packetId! });
    await pub.sync();
    await sub.sync();
    expect(sub.hasPublish('q2')).toBe(false);
    // after PUBREL the id is free: a new message with the same id is a new message
    pub.publish('q2', 'again', { qos: 2, packetId: 9 });
    await pub.next('pubrec');
    expect(text(await sub.nextPublish('q2'))).toBe('again');
  });

  it('[MQTT-4.3.3-2] answers PUBCOMP to a PUBREL for an unknown packet id', async () => {
    await broker();
    const pub = await connect();
    pub.send({ type: 'pubrel', packetId: 77 });
    expect(await pub.next('pubcomp')).toEqual({ type: 'pubcomp', packetId: 77 });
  });
});

describe('QoS flows towards a subscribing client', () => {
  it('[MQTT-3.3.5-1] delivers at min(published QoS, granted QoS)', async () => {
    await broker();
    const s0 = await connect();
    const s1 = await connect();
    const s2 = await connect();
    await s0.subscribe('m', 0);
    await s1.subscribe('m', 1);
    await s2.subscribe('m', 2);
    const pub = await connect();
    for (const qos of [0, 1, 2] as const) {
      pub.publish('m', `q${qos}`, { qos, packetId: 100 + qos });
      expect((await s0.nextPublish('m')).qos).toBe(0);
      expect((await s1.nextPublish('m')).qos).toBe(Math.min(qos, 1));
      expect((await s2.nextPublish('m')).qos).toBe(qos);
    }
  });

  it('[MQTT-4.3.2-1] QoS 1 outbound: a fresh non-zero packet id per message, freed by PUBACK', async () => {
    await broker();
    const sub = await connect();
    await sub.subscribe('o1', 1);
    const pub = await connect();
    pub.publish('o1', 'a', { qos: 1, packetId: 1 });
    pub.publish('o1', 'b', { qos: 1, packetId: 2 });
    const a = await sub.nextPublish('o1');
    const c = await sub.nextPublish('o1');
    expect(a.packetId).toBeGreaterThan(0);
    expect(c.packetId).not.toBe(a.packetId);
    expect([a.dup, c.dup]).toEqual([false, false]);
    sub.send({ type: 'puback', packetId: a.packetId! });
    sub.send({ type: 'puback', packetId: c.packetId! });
    await sub.sync();
    expect(current().broker.stats().inflightCount).toBe(0);
  });

  it('[MQTT-4.3.3-1] QoS 2 outbound: PUBLISH, PUBREC → PUBREL, PUBCOMP completes', async () => {
    await broker();
    const sub = await connect();
    await sub.subscribe('o2', 2);
    const pub = await connect();
    pub.publish('o2', 'x', { qos: 2, packetId: 5 });
    const p = await sub.nextPublish('o2');
    expect(p.qos).toBe(2);
    sub.send({ type: 'pubrec', packetId: p.packetId! });
    expect(await sub.next('pubrel')).toEqual({ type: 'pubrel', packetId: p.packetId });
    expect(current().broker.stats().inflightCount).toBe(1);
    sub.send({ type: 'pubcomp', packetId: p.packetId! });
    await sub.sync();
    expect(current().broker.stats().inflightCount).toBe(0);
  });

  it('keeps at most maxInflight unacknowledged messages per client and sends the rest as acks free the window', async () => {
    await broker({ limits: { maxInflight: 2 } });
    const sub = await connect();
    await sub.subscribe('w', 1);
    const pub = await connect();
    for (let i = 0; i < 5; i++) pub.publish('w', `m${i}`, { qos: 1, packetId: i + 1 });
    const first = [await sub.nextPublish('w'), await sub.nextPublish('w')];
    await pub.sync();
    await sub.sync();
    expect(sub.hasPublish('w')).toBe(false);
    expect(current().broker.stats()).toMatchObject({ inflightCount: 2, queuedCount: 3 });
    const got = first.map(text);
    for (const p of first) sub.send({ type: 'puback', packetId: p.packetId! });
    for (let i = 0; i < 3; i++) {
      const p = await sub.nextPublish('w');
      got.push(text(p));
      sub.send({ type: 'puback', packetId: p.packetId! });
    }
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('[MQTT-4.4.0-1] [MQTT-3.3.1-1] re-sends unacknowledged PUBLISHes with DUP=1 and their original packet ids on reconnect, then PUBREL for released QoS 2', async () => {
    await broker();
    const sub = await connect({ clientId: 'redeliver', cleanSession: false });
    await sub.subscribe('r/#', 2);
    const pub = await connect();
    pub.publish('r/1', 'one', { qos: 1, packetId: 1 });
    pub.publish('r/2', 'two', { qos: 2, packetId: 2 });
    pub.publish('r/3', 'three', { qos: 2, packetId: 3 });
    const one = await sub.nextPublish('r/1');
    const two = await sub.nextPublish('r/2');
    const three = await sub.nextPublish('r/3');
    sub.send({ type: 'pubrec', packetId: three.packetId! }); // three reaches "released"
    await sub.next('pubrel');
    sub.destroy(); // gone without acknowledging anything else
    await sub.closed;
    const again = await connect({ clientId: 'redeliver', cleanSession: false });
    const r1 = await again.nextPublish('r/1');
    const r2 = await again.nextPublish('r/2');
    expect([r1.dup, r1.packetId, text(r1)]).toEqual([true, one.packetId, 'one']);
    expect([r2.dup, r2.packetId, text(r2)]).toEqual([true, two.packetId, 'two']);
    expect(await again.next('pubrel')).toEqual({ type: 'pubrel', packetId: three.packetId });
    await again.sync();
    expect(again.hasPublish('r/3')).toBe(false); // [MQTT-4.3.3-1] never re-sent after PUBREL
  });

  it('[MQTT-3.1.2-5] queues QoS 1/2 messages for a disconnected clean-session-0 client and delivers them on reconnect', async () => {
    await broker();
    const sub = await connect({ clientId: 'offline', cleanSession: false });
    await sub.subscribe('off', 1);
    await sub.disconnect();
    const pub = await connect();
    pub.publish('off', 'q0-not-queued', { qos: 0 });
    for (let i = 0; i < 3; i++) {
      pub.publish('off', `q1-${i}`, { qos: 1, packetId: i + 1 });
      await pub.next('puback');
    }
    expect(current().broker.stats().queuedCount).toBe(3);
    const back = await connect({ clientId: 'offline', cleanSession: false });
    const got = [];
    for (let i = 0; i < 3; i++) got.push(text(await back.nextPublish('off')));
    expect(got).toEqual(['q1-0', 'q1-1', 'q1-2']);
  });

  it('[MQTT-4.6.0-5] forwards one publisher\'s messages on a topic in the order they were received', async () => {
    await broker();
    const sub = await connect();
    await sub.subscribe('order/#', 1);
    const pub = await connect();
    const n = 500;
    for (let i = 0; i < n; i++) pub.publish('order/t', String(i), { qos: 1, packetId: (i % 60000) + 1 });
    const got: number[] = [];
    while (got.length < n) {
      const p = await sub.nextPublish('order/t');
      got.push(Number(text(p)));
      sub.send({ type: 'puback', packetId: p.packetId! });
    }
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('[MQTT-3.3.5-1] sends one copy with the highest granted QoS when several subscriptions of a client match', async () => {
    await broker();
    const sub = await connect();
    sub.send({ type: 'subscribe', packetId: 3, subscriptions: [{ topicFilter: 'a/#', qos: 0 }, { topicFilter: 'a/+', qos: 2 }, { topicFilter: 'a/b', qos: 1 }] });
    expect((await sub.next('suback')).returnCodes).toEqual([0, 2, 1]);
    const pub = await connect();
    pub.publish('a/b', 'x', { qos: 2, packetId: 1 });
    await pub.next('pubrec');
    const p = await sub.nextPublish('a/b');
    expect(p.qos).toBe(2);
    await sub.sync();
    expect(sub.hasPublish('a/b')).toBe(false);
  });

  it('drops messages beyond maxQueued for a session, counting and reporting each', async () => {
    await broker({ limits: { maxQueued: 2 } });
    const dropped: { clientId: string; reason: string }[] = [];
    current().broker.on('message.dropped', (e) => dropped.push({ clientId: e.clientId, reason: e.reason }));
    const sub = await connect({ clientId: 'small', cleanSession: false });
    await sub.subscribe('d', 1);
    await sub.disconnect();
    const pub = await connect();
    for (let i = 0; i < 5; i++) {
      pub.publish('d', `m${i}`, { qos: 1, packetId: i + 1 });
      await pub.next('puback');
    }
    expect(current().broker.stats()).toMatchObject({ queuedCount: 2, publishDropped: 3 });
    expect(dropped).toEqual([1, 2, 3].map(() => ({ clientId: 'small', reason: 'queue-full' })));
    const back = await connect({ clientId: 'small', cleanSession: false });
    expect(text(await back.nextPublish('d'))).toBe('m0');
    expect(text(await back.nextPublish('d'))).toBe('m1');
  });
});
