/**
 * The encoder: the routing fast path (encodePublish + withPacketId), its refusals of values the
 * types cannot rule out, and agreement with mqtt-packet on thousands of random packets.
 */

import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { encodePacket, encodePublish, withPacketId, type Packet, type QoS } from '../../../broker-core/codec/index.js';
import { writeWithPacketId } from '../../../broker-core/codec/encoder.js';
import { decodeWhole, prng, randomInt } from './helpers.js';
import { toMqttPacket } from './mqtt-packet-adapter.js';

const LIMIT = 1 << 20;

describe('encodePublish', () => {
  it('writes a QoS 0 PUBLISH without packet id and ignores DUP [MQTT-3.3.1-2]', () => {
    const bytes = encodePublish('a/b', Buffer.from('hi'), 0, true, true);
    expect(bytes.toString('hex')).toBe('3107' + '0003612f62' + '6869');
  });

  it('writes the packet id of a QoS 2 PUBLISH and sets DUP and RETAIN', () => {
    expect(encodePublish('a/b', Buffer.from('hi'), 2, true, true, 0x0102).toString('hex')).toBe('3d09' + '0003612f62' + '0102' + '6869');
  });

  it('counts topic length in UTF-8 bytes, not UTF-16 units', () => {
    const bytes = encodePublish('t/🌡é', Buffer.alloc(0), 0, false, false);
    expect(bytes.toString('hex')).toBe('300a' + '0008742ff09f8ca1c3a9');
  });

  it('writes a placeholder packet id 0 for QoS > 0 when none is given, for withPacketId to patch', () => {
    const bytes = encodePublish('x', Buffer.from('z'), 1, false, false);
    expect(bytes.toString('hex')).toBe('3206' + '000178' + '0000' + '7a');
  });

  it('returns a buffer of exactly the wire size (no slack from pooling)', () => {
    for (const size of [0, 1, 120, 121, 122, 16_000, 70_000]) {
      const bytes = encodePublish('a/b', Buffer.alloc(size, 1), 1, false, false, 9);
      const run = decodeWhole(bytes, LIMIT);
      expect(run.wireSizes).toEqual([bytes.length]);
      expect(bytes.byteLength).toBe(bytes.length);
    }
  });

  it('refuses a topic name longer than 65535 bytes [MQTT-1.5.3]', () => {
    expect(() => encodePublish('é'.repeat(32_768), Buffer.alloc(0), 0, false, false)).toThrow(RangeError);
  });

  it('refuses an out-of-range packet id [MQTT-2.3.1-1]', () => {
    expect(() => encodePublish('a', Buffer.alloc(0), 1, false, false, 0x10000)).toThrow(RangeError);
    expect(() => encodePacket({ type: 'publish', topicName: 'a', payload: Buffer.alloc(0), qos: 1, retain: false, dup: false })).toThrow(RangeError);
  });
});

describe('withPacketId', () => {
  it('patches the packet id into a copy and leaves the shared encoding untouched', () => {
    const shared = encodePublish('tele/s1/SENSOR', Buffer.from('{"t":21.5}'), 1, false, false);
    const before = Buffer.from(shared);
    const a = withPacketId(shared, 1);
    const b = withPacketId(shared, 0xfffe, true);
    expect(shared.equals(before)).toBe(true);
    expect(decodeWhole(a, LIMIT).packets).toStrictEqual([
      { type: 'publish', topicName: 'tele/s1/SENSOR', payload: Buffer.from('{"t":21.5}'), qos: 1, retain: false, dup: false, packetId: 1 },
    ]);
    expect(decodeWhole(b, LIMIT).packets[0]).toMatchObject({ dup: true, packetId: 0xfffe });
  });

  it('clears DUP when asked and keeps it when dup is not given', () => {
    const dup = encodePublish('a', Buffer.alloc(0), 2, true, true, 5);
    expect(decodeWhole(withPacketId(dup, 6, false), LIMIT).packets[0]).toMatchObject({ dup: false, retain: true, qos: 2, packetId: 6 });
    expect(decodeWhole(withPacketId(dup, 7), LIMIT).packets[0]).toMatchObject({ dup: true, packetId: 7 });
  });

  it('finds the packet id behind a multi-byte remaining length and a non-ASCII topic', () => {
    const shared = encodePublish('capteur/é', Buffer.alloc(20_000, 3), 1, false, false);
    expect(decodeWhole(withPacketId(shared, 300), LIMIT).packets[0]).toMatchObject({ topicName: 'capteur/é', packetId: 300 });
  });

  it('refuses a QoS 0 PUBLISH, another packet type, and packet id 0', () => {
    expect(() => withPacketId(encodePublish('a', Buffer.alloc(0), 0, false, false), 1)).toThrow(RangeError);
    expect(() => withPacketId(encodePacket({ type: 'puback', packetId: 1 }), 1)).toThrow(RangeError);
    expect(() => withPacketId(encodePublish('a', Buffer.alloc(0), 1, false, false), 0)).toThrow(RangeError);
  });
});

describe('writeWithPacketId', () => {
  it('writes several PUBLISHes with their own packet ids back to back into one buffer', () => {
    const a = encodePublish('d/a', Buffer.from('one'), 1, false, false);
    const b = encodePublish('d/bb', Buffer.from('two'), 2, false, false);
    const out = Buffer.alloc(a.length + b.length);
    const end = writeWithPacketId(b, 9, out, writeWithPacketId(a, 8, out, 0));
    expect(end).toBe(out.length);
    expect(decodeWhole(out, LIMIT).packets).toMatchObject([
      { topicName: 'd/a', qos: 1, packetId: 8, dup: false },
      { topicName: 'd/bb', qos: 2, packetId: 9, dup: false },
    ]);
  });

  it('refuses a target without room for the packet', () => {
    const a = encodePublish('d/a', Buffer.from('one'), 1, false, false);
    expect(() => writeWithPacketId(a, 1, Buffer.alloc(a.length), 1)).toThrow(RangeError);
  });
});

describe('encodePacket refusals', () => {
  it('refuses a CONNECT password without a user name [MQTT-3.1.2-22]', () => {
    expect(() => encodePacket({
      type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 0, clientId: 'x', password: Buffer.from('p'),
    })).toThrow(RangeError);
  });

  it('refuses SUBSCRIBE, UNSUBSCRIBE and acknowledgements with packet id 0 [MQTT-2.3.1-1]', () => {
    expect(() => encodePacket({ type: 'subscribe', packetId: 0, subscriptions: [{ topicFilter: 'a', qos: 0 }] })).toThrow(RangeError);
    expect(() => encodePacket({ type: 'unsubscribe', packetId: 0, topicFilters: ['a'] })).toThrow(RangeError);
    expect(() => encodePacket({ type: 'puback', packetId: 0 })).toThrow(RangeError);
  });
});

/** Random valid packets of every type. */
function randomPacket(random: () => number): Packet {
  const alphabet = ['a', 'b', 'sensor', 'tele', 'é', '°C', '🌡', ' ', '$SYS', '-', '_'];
  const word = (): string => Array.from({ length: 1 + randomInt(random, 3) }, () => alphabet[randomInt(random, alphabet.length)]).join('');
  const topic = (): string => Array.from({ length: 1 + randomInt(random, 4) }, word).join('/');
  const filter = (): string => Array.from({ length: 1 + randomInt(random, 4) }, () => (random() < 0.2 ? '+' : word())).join('/') + (random() < 0.2 ? '/#' : '');
  const bytes = (max: number): Buffer => Buffer.from(Array.from({ length: randomInt(random, max) }, () => randomInt(random, 256)));
  const qos = (): QoS => randomInt(random, 3) as QoS;
  const id = (): number => 1 + randomInt(random, 0xffff);
  switch (randomInt(random, 9)) {
    case 0: {
      const q = qos();
      return q === 0
        ? { type: 'publish', topicName: topic(), payload: bytes(300), qos: 0, retain: random() < 0.5, dup: false }
        : { type: 'publish', topicName: topic(), payload: bytes(300), qos: q, retain: random() < 0.5, dup: random() < 0.5, packetId: id() };
    }
    case 1: {
      const legacy = random() < 0.3;
      const p: Packet = {
        type: 'connect', protocolName: legacy ? 'MQIsdp' : 'MQTT', protocolLevel: legacy ? 3 : 4, cleanSession: random() < 0.5,
        keepalive: randomInt(random, 0x10000), clientId: word() + String(randomInt(random, 1000)),
      };
      if (random() < 0.5) p.will = { topicName: topic(), payload: bytes(50), qos: qos(), retain: random() < 0.5 };
      if (random() < 0.5) {
        p.username = word();
        if (random() < 0.5) p.password = bytes(30);
      }
      return p;
    }
    case 2: return { type: 'subscribe', packetId: id(), subscriptions: Array.from({ length: 1 + randomInt(random, 4) }, () => ({ topicFilter: filter(), qos: qos() })) };
    case 3: return { type: 'unsubscribe', packetId: id(), topicFilters: Array.from({ length: 1 + randomInt(random, 4) }, filter) };
    case 4: return { type: 'suback', packetId: id(), returnCodes: Array.from({ length: 1 + randomInt(random, 4) }, () => (random() < 0.2 ? 0x80 : qos())) };
    case 5: {
      const returnCode = randomInt(random, 6) as 0 | 1 | 2 | 3 | 4 | 5;
      return { type: 'connack', sessionPresent: returnCode === 0 && random() < 0.5, returnCode };
    }
    case 6: return { type: (['puback', 'pubrec', 'pubrel', 'pubcomp', 'unsuback'] as const)[randomInt(random, 5)] as 'puback', packetId: id() };
    default: return { type: (['pingreq', 'pingresp', 'disconnect'] as const)[randomInt(random, 3)] as 'pingreq' };
  }
}

describe('random packets', () => {
  it.each([1, 2, 3])('encodes 2000 random packets byte-identically to mqtt-packet and decodes them back (seed %i)', (seed) => {
    const random = prng(seed);
    for (let i = 0; i < 2000; i++) {
      const packet = randomPacket(random);
      const ours = encodePacket(packet);
      const level = packet.type === 'connect' ? packet.protocolLevel : 4;
      const theirs = mqttPacket.generate(toMqttPacket(packet) as mqttPacket.Packet, { protocolVersion: level });
      expect(ours.toString('hex'), JSON.stringify(packet)).toBe(theirs.toString('hex'));
      expect(decodeWhole(ours, LIMIT).packets).toStrictEqual([packet]);
    }
  });
});
