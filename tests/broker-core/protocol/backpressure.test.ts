/**
 * Backpressure: a subscriber that cannot keep up slows its publishers down (the broker stops
 * reading them) instead of losing QoS 1 messages; one that makes no progress at all stops doing
 * so after a few seconds, and its messages then meet the ordinary, counted bounds.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/raw-client.js';

let b: TestBroker | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await b?.close();
  b = undefined;
});
async function connect(opts: Parameters<typeof RawClient.connect>[1] = {}) {
  const r = await RawClient.connect(b!.port, opts);
  clients.push(r.client);
  return r.client;
}

describe('backpressure', () => {
  it('loses no QoS 1 message when a subscriber is slower than its publisher (the publisher is slowed down instead)', async () => {
    b = await startTestBroker({ limits: { maxInflight: 10, maxQueued: 1000 } });
    const sub = await connect({ clientId: 'slow' });
    await sub.subscribe('bp/t', 1);
    sub.socket.pause(); // the subscriber stops reading for a while
    const pub = await connect({ clientId: 'fast' });
    const n = 3000;
    const payload = Buffer.alloc(1024, 0x62);
    for (let i = 0; i < n; i++) {
      payload.writeUInt32BE(i, 0);
      pub.publish('bp/t', Buffer.from(payload), { qos: 1, packetId: (i % 60000) + 1 });
    }
    // far more than maxQueued is in flight towards a subscriber that does not read
    let peakQueued = 0;
    while (peakQueued < 500) {
      peakQueued = Math.max(peakQueued, b.broker.stats().queuedCount);
      await new Promise((r) => setTimeout(r, 10));
    }
    sub.socket.resume();
    const seen: number[] = [];
    while (seen.length < n) {
      const p = await sub.nextPublish('bp/t', 30_000);
      seen.push(Buffer.from(p.payload).readUInt32BE(0));
      sub.send({ type: 'puback', packetId: p.packetId! });
    }
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    let acked = 0;
    while (acked < n) {
      await pub.next('puback', 30_000);
      acked++;
    }
    expect(b.broker.stats().publishDropped).toBe(0);
    expect(b.broker.stats().queuedCount).toBe(0);
  });

  it('stops slowing publishers down for a subscriber that makes no progress at all, counting what it drops', async () => {
    b = await startTestBroker();
    const dropped: string[] = [];
    b.broker.on('message.dropped', (e) => dropped.push(e.clientId));
    const deaf = await connect({ clientId: 'deaf' });
    await deaf.subscribe('stall/#', 0);
    deaf.socket.pause();
    const pub = await connect({ clientId: 'publisher' });
    const big = Buffer.alloc(16 * 1024, 0x61);
    for (let i = 0; i < 2000; i++) pub.publish('stall/x', big);
    // the publisher is paused while the deaf subscriber is congested, then released (STALL_MS)
    await pub.sync();
    expect(dropped.length).toBeGreaterThan(0);
    expect(new Set(dropped)).toEqual(new Set(['deaf']));
    // and other clients were never affected
    const other = await connect();
    await other.sync();
  });
});
