/**
 * Draining a persistent session's queue: the acknowledgements of one socket read are written as
 * one deleteOutboundMany per session and the freed inflight window is refilled once, in order;
 * what was acknowledged stays gone after a restart, what was not comes back.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { text } from '../../support/raw-broker-harness.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/raw-client.js';
import { createMemoryPersistence, createMemoryStore, type MemoryStore, type Persistence } from '../../../broker-core/index.js';
import { encodePacket, type PublishPacket } from '../../../broker-core/codec/index.js';

const clients: RawClient[] = [];
const brokers: TestBroker[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const b of brokers.splice(0)) await b.close();
});

/** A memory persistence that records the name and arguments of every mutation, in call order. */
function recording(store: MemoryStore): { persistence: Persistence; calls: [string, unknown[]][] } {
  const inner = createMemoryPersistence({ store });
  const calls: [string, unknown[]][] = [];
  const persistence = new Proxy(inner, {
    get(target, name: string) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (name.startsWith('put') || name.startsWith('delete')) calls.push([name, args]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { persistence, calls };
}

async function connect(b: TestBroker, opts: Parameters<typeof RawClient.connect>[1] = {}) {
  const r = await RawClient.connect(b.port, opts);
  clients.push(r.client);
  return r;
}

/** A persistent subscriber of `d/#` goes away; `count` QoS 1 messages are queued for it. */
async function queueWhileAway(b: TestBroker, count: number): Promise<void> {
  const sub = await connect(b, { clientId: 'drainer', cleanSession: false });
  await sub.client.subscribe('d/#', 1);
  await sub.client.disconnect();
  const pub = await connect(b);
  for (let i = 0; i < count; i++) pub.client.publish('d/t', `m${i}`, { qos: 1, packetId: i + 1 });
  for (let i = 0; i < count; i++) await pub.client.next('puback');
}

describe('draining a persistent session', () => {
  it('writes the PUBACKs of one read as one deleteOutboundMany and refills the window in order', async () => {
    const store = createMemoryStore();
    const { persistence, calls } = recording(store);
    const b = await startTestBroker({ persistence, limits: { maxInflight: 10 } });
    brokers.push(b);
    await queueWhileAway(b, 30);

    const { client: sub, connack } = await connect(b, { clientId: 'drainer', cleanSession: false });
    expect(connack.sessionPresent).toBe(true);
    const window: PublishPacket[] = [];
    for (let i = 0; i < 10; i++) window.push(await sub.nextPublish('d/t'));
    await sub.sync();
    expect(sub.hasPublish('d/t')).toBe(false);
    calls.length = 0;

    // ten PUBACKs in one write: one read on the broker's side
    sub.sendBytes(Buffer.concat(window.map((p) => encodePacket({ type: 'puback', packetId: p.packetId! }))));
    const refill: PublishPacket[] = [];
    for (let i = 0; i < 10; i++) refill.push(await sub.nextPublish('d/t'));
    await sub.sync();

    expect([...window, ...refill].map(text)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    const deletes = calls.filter(([name]) => name.startsWith('deleteOutbound'));
    expect(deletes).toEqual([['deleteOutboundMany', ['drainer', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]]]);
    expect(b.broker.stats()).toMatchObject({ inflightCount: 10, queuedCount: 10 });
  });

  it('keeps acknowledged messages gone and the rest queued across a restart', async () => {
    const store = createMemoryStore();
    const first = await startTestBroker({ persistence: createMemoryPersistence({ store }), limits: { maxInflight: 5 } });
    brokers.push(first);
    await queueWhileAway(first, 12);
    const { client: sub } = await connect(first, { clientId: 'drainer', cleanSession: false });
    const got: PublishPacket[] = [];
    for (let i = 0; i < 5; i++) got.push(await sub.nextPublish('d/t'));
    sub.sendBytes(Buffer.concat(got.slice(0, 3).map((p) => encodePacket({ type: 'puback', packetId: p.packetId! }))));
    for (let i = 0; i < 3; i++) got.push(await sub.nextPublish('d/t'));
    await sub.sync();
    await brokers.splice(0)[0]!.close();

    const second = await startTestBroker({ persistence: createMemoryPersistence({ store }), limits: { maxInflight: 100 } });
    brokers.push(second);
    const again = await connect(second, { clientId: 'drainer', cleanSession: false });
    const rest: string[] = [];
    for (let i = 0; i < 9; i++) {
      const p = await again.client.nextPublish('d/t');
      rest.push(text(p));
      again.client.send({ type: 'puback', packetId: p.packetId! });
    }
    // m0–m2 were acknowledged; m3–m7 were in flight (re-sent first), m8–m11 still queued
    expect(rest).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
    await again.client.sync();
    expect(again.client.hasPublish('d/t')).toBe(false);
  });
});
