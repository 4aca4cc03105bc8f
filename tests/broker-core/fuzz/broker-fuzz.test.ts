/**
 * Hostile traffic against a running broker: thousands of random and mutated packets over many
 * connections (before and after a valid CONNECT, whole or split into chunks), plus abusive but
 * well-formed sequences. Meanwhile a well-behaved client keeps exchanging QoS 1 messages with
 * itself through the broker. The broker must not crash, the well-behaved client must stay
 * connected and receive every message in order, and every hostile connection must end.
 * Seeded: a failure names its seed and is reproducible.
 */

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/raw-client.js';
import { validEntries } from '../../support/packet-catalogue.js';
import { prng } from '../codec/helpers.js';
import { encodePacket } from '../../../broker-core/codec/index.js';

const CONNECT = encodePacket({ type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 5, clientId: '' });
const clientPackets = validEntries.filter((e) => e.sender === 'client' && e.packet.type !== 'connect').map((e) => e.bytes);
const connectPackets = validEntries.filter((e) => e.packet.type === 'connect').map((e) => e.bytes);

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

function randomBytes(random: Random, max: number): Buffer {
  const b = Buffer.alloc(1 + Math.floor(random() * max));
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(random() * 256);
  return b;
}

/** A valid packet with a few bytes flipped, cut short, extended, or its length field corrupted. */
function mutate(random: Random, original: Buffer): Buffer {
  const b = Buffer.from(original);
  switch (Math.floor(random() * 5)) {
    case 0: {
      const flips = 1 + Math.floor(random() * 3);
      for (let i = 0; i < flips; i++) {
        const at = Math.floor(random() * b.length);
        b[at] = b[at]! ^ (1 << Math.floor(random() * 8));
      }
      return b;
    }
    case 1:
      return b.subarray(0, Math.floor(random() * b.length));
    case 2:
      return Buffer.concat([b, randomBytes(random, 16)]);
    case 3:
      if (b.length > 1) b[1] = Math.floor(random() * 256);
      return b;
    default:
      b[0] = (Math.floor(random() * 16) << 4) | (b[0]! & 0x0f);
      return b;
  }
}

/** One hostile session: the packets to send (possibly after a valid CONNECT). */
function hostilePackets(random: Random): Buffer[] {
  const parts: Buffer[] = [];
  const style = random();
  if (style < 0.2) {
    parts.push(randomBytes(random, 64)); // garbage from the first byte
  } else if (style < 0.35) {
    parts.push(mutate(random, pick(random, connectPackets))); // a broken CONNECT
  } else {
    parts.push(CONNECT);
    const count = 1 + Math.floor(random() * 12);
    for (let i = 0; i < count; i++) {
      const r = random();
      if (r < 0.45) parts.push(mutate(random, pick(random, clientPackets)));
      else if (r < 0.7) parts.push(pick(random, clientPackets)); // valid but out of context
      else if (r < 0.85) parts.push(randomBytes(random, 40));
      else parts.push(CONNECT); // a second CONNECT [MQTT-3.1.0-2]
    }
  }
  return parts;
}

/** Sends bytes in random chunks, then closes after a moment or waits for the broker to close. */
function attack(port: number, bytes: Buffer, random: Random): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.once('close', () => resolve());
    socket.once('connect', () => {
      let pos = 0;
      while (pos < bytes.length) {
        const n = 1 + Math.floor(random() * 32);
        socket.write(bytes.subarray(pos, pos + n));
        pos += n;
      }
      // a valid-but-idle leftover is cut by the test after its burst (keepalive would, later)
      setTimeout(() => socket.destroy(), 200 + Math.floor(random() * 300));
    });
  });
}

let b: TestBroker | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

describe('broker under hostile traffic', () => {
  it.each([0x5eed, 0xf00d])('survives thousands of random and mutated packets while a well-behaved client is served (seed %i)', async (seed) => {
    const random = prng(seed);
    const crashes: unknown[] = [];
    const onCrash = (err: unknown) => crashes.push(err);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    b = await startTestBroker({ limits: { maxPacketSize: 64 * 1024 } });
    const disconnects: string[] = [];
    b.broker.on('client.disconnected', (e) => e.clientId === 'good' && disconnects.push(e.reason));

    const { client: good } = await RawClient.connect(b.port, { clientId: 'good', keepalive: 30 });
    await good.subscribe('good/#', 1);
    let sent = 0;
    let received = 0;
    const ping = setInterval(() => {
      good.publish('good/seq', String(sent), { qos: 1, packetId: (sent % 60000) + 1 });
      sent++;
    }, 5);
    const receiving = (async () => {
      for (;;) {
        const p = await good.nextPublish(undefined, 60_000);
        good.send({ type: 'puback', packetId: p.packetId! });
        if (p.topicName === 'good/end') return;
        expect(Number(Buffer.from(p.payload).toString())).toBe(received); // in order, none lost
        received++;
      }
    })();

    let packets = 0;
    try {
      const sessions = 2500;
      const parallel = 30;
      let next = 0;
      const worker = async () => {
        while (next < sessions) {
          next++;
          const parts = hostilePackets(random);
          packets += parts.length;
          await attack(b!.port, Buffer.concat(parts), random);
        }
      };
      await Promise.all(Array.from({ length: parallel }, worker));
    } finally {
      clearInterval(ping);
    }
    good.publish('good/end', 'end', { qos: 1, packetId: 65535 });
    await receiving;
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);

    expect(crashes).toEqual([]);
    expect(disconnects).toEqual([]);
    expect(good.isClosed).toBe(false);
    expect(received).toBe(sent);
    expect(packets).toBeGreaterThan(10_000);
    // every hostile connection ended; only the well-behaved one remains
    await good.sync();
    expect(b.broker.clients().map((c) => c.clientId)).toEqual(['good']);
    expect(b.broker.stats().clientsConnected).toBe(1);
  }, 180_000);

  it('serves others while abusive but well-formed clients misbehave (never reading, unacked QoS 2, floods)', async () => {
    b = await startTestBroker({ limits: { maxInflight: 10, maxQueued: 50 } });
    const dropped: number[] = [];
    b.broker.on('message.dropped', (e) => dropped.push(e.count));
    // a subscriber that never reads its socket
    const deaf = await RawClient.connect(b.port, { clientId: 'deaf' });
    await deaf.client.subscribe('flood/#', 1);
    deaf.client.socket.pause();
    // a publisher that never sends PUBREL for its QoS 2 messages
    const stubborn = await RawClient.connect(b.port, { clientId: 'stubborn' });
    for (let i = 1; i <= 500; i++) stubborn.client.publish('flood/q2', `x${i}`, { qos: 2, packetId: i });
    // a flooder of QoS 0 and QoS 1
    const flooder = await RawClient.connect(b.port, { clientId: 'flooder' });
    const big = Buffer.alloc(8 * 1024, 0x61);
    for (let i = 0; i < 2000; i++) flooder.client.publish('flood/big', big, { qos: (i % 2) as 0 | 1, packetId: (i % 60000) + 1 });
    // a well-behaved pair meanwhile
    const { client: sub } = await RawClient.connect(b.port, { clientId: 'ok-sub' });
    await sub.subscribe('ok/t', 1);
    const { client: pub } = await RawClient.connect(b.port, { clientId: 'ok-pub' });
    for (let i = 0; i < 50; i++) {
      pub.publish('ok/t', String(i), { qos: 1, packetId: i + 1 });
      const p = await sub.nextPublish('ok/t', 30_000);
      expect(Buffer.from(p.payload).toString()).toBe(String(i));
      sub.send({ type: 'puback', packetId: p.packetId! });
    }
    expect(dropped.length).toBeGreaterThan(0); // the deaf subscriber's bounded queue shed, counted
    expect(b.broker.stats().publishDropped).toBe(dropped.length);
    for (const c of [deaf.client, stubborn.client, flooder.client, sub, pub]) c.destroy();
  }, 120_000);
});
