/**
 * PUBLISH topic decoding on the hot path: the per-connection topic cache must never hand back a
 * different topic name, whatever mix of names, lengths and collisions one connection sends.
 */

import { describe, expect, it } from 'vitest';
import { PacketDecoder, encodePublish, type Packet } from '../../../broker-core/codec/index.js';
import { prng, randomInt } from './helpers.js';

function topicsOf(decoder: PacketDecoder, bytes: Buffer): string[] {
  const names: string[] = [];
  const error = decoder.push(bytes, (p: Packet) => {
    if (p.type === 'publish') names.push(p.topicName);
  });
  expect(error).toBeUndefined();
  return names;
}

describe('PUBLISH topic names through one decoder', () => {
  it.each([1, 2, 3])('decodes 20000 random short topics exactly, including same-length near-duplicates (seed %i)', (seed) => {
    const random = prng(seed);
    const decoder = new PacketDecoder({ maxPacketSize: 1 << 16 });
    // A tiny alphabet and few lengths force many cache slot collisions between different names.
    const alphabet = 'ab/c';
    const topics = Array.from({ length: 20000 }, () =>
      Array.from({ length: 1 + randomInt(random, 6) }, () => alphabet[randomInt(random, alphabet.length)]).join(''));
    const bytes = Buffer.concat(topics.map((t) => encodePublish(t, Buffer.alloc(0), 0, false, false)));
    expect(topicsOf(decoder, bytes)).toEqual(topics);
  });

  it('decodes long ASCII topics (beyond the cache bound) and non-ASCII topics exactly', () => {
    const decoder = new PacketDecoder({ maxPacketSize: 1 << 20 });
    const topics = ['x'.repeat(129), 'y'.repeat(128), 'é/x', 'x'.repeat(129), 'tele/🌡/SENSOR', 'z'.repeat(65535), 'é/x'];
    const bytes = Buffer.concat(topics.map((t) => encodePublish(t, Buffer.from('p'), 1, false, false, 1)));
    expect(topicsOf(decoder, bytes)).toEqual(topics);
  });
});
