/**
 * Hostile bytes: seeded random and mutated input (thousands of cases per test). The decoder
 * never throws, stays failed after its first error, decodes the same way under any chunking,
 * and everything it does accept is a packet the encoder can write back unchanged.
 * A failure names its seed, so it can be replayed.
 */

import { describe, expect, it } from 'vitest';
import { PacketDecoder, encodePacket, isSupportedProtocol, validateTopicName, type Packet } from '../../../broker-core/codec/index.js';
import { scanUtf8, UTF8_NULL } from '../../../broker-core/codec/utf8.js';
import { validEntries } from '../../support/packet-catalogue.js';
import { decodeInChunks, decodeWhole, everyByte, prng, randomCuts, randomInt } from './helpers.js';

const LIMIT = 4096;
const seeds = [11, 22, 33, 44];

function randomBytes(random: () => number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = randomInt(random, 256);
  return out;
}

/** Plausible-looking garbage: a real first byte for some type, a small length, random body. */
function randomPacketish(random: () => number): Buffer {
  const body = randomBytes(random, randomInt(random, 40));
  const first = (randomInt(random, 16) << 4) | (random() < 0.7 ? [0, 2, 0b1011][randomInt(random, 3)] as number : randomInt(random, 16));
  return Buffer.concat([Buffer.from([first, body.length]), body]);
}

function mutate(random: () => number, source: Buffer): Buffer {
  const bytes = Buffer.from(source);
  switch (randomInt(random, 6)) {
    case 0: { // flip one bit
      const i = randomInt(random, bytes.length);
      bytes[i] = (bytes[i] as number) ^ (1 << randomInt(random, 8));
      return bytes;
    }
    case 1: { // overwrite one byte
      bytes[randomInt(random, bytes.length)] = randomInt(random, 256);
      return bytes;
    }
    case 2: // truncate
      return bytes.subarray(0, randomInt(random, bytes.length));
    case 3: { // insert a byte
      const i = randomInt(random, bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, i), Buffer.from([randomInt(random, 256)]), bytes.subarray(i)]);
    }
    case 4: { // delete a byte
      const i = randomInt(random, bytes.length);
      return Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
    }
    default: { // change the remaining length byte
      bytes[1] = randomInt(random, 256);
      return bytes;
    }
  }
}

const smallEntries = validEntries.filter((e) => e.bytes.length < 400);

function sample(random: () => number): Buffer {
  const kind = randomInt(random, 4);
  if (kind === 0) return randomBytes(random, randomInt(random, 120));
  if (kind === 1) return randomPacketish(random);
  const parts: Buffer[] = [];
  const count = 1 + randomInt(random, 4);
  for (let i = 0; i < count; i++) {
    const e = smallEntries[randomInt(random, smallEntries.length)];
    if (e === undefined) continue;
    parts.push(kind === 2 || random() < 0.3 ? mutate(random, e.bytes) : e.bytes);
  }
  return Buffer.concat(parts);
}

/** A decoded packet must obey the invariants the broker relies on. */
function checkInvariants(p: Packet): void {
  if (p.type === 'publish') {
    expect(validateTopicName(p.topicName)).toBeUndefined();
    if (p.qos > 0) expect(p.packetId).toBeGreaterThan(0);
    else expect(p.packetId).toBeUndefined();
    expect(p.qos).toBeLessThanOrEqual(2);
  }
  if (p.type === 'subscribe') {
    expect(p.subscriptions.length).toBeGreaterThan(0);
    for (const s of p.subscriptions) expect([0, 1, 2]).toContain(s.qos);
  }
  if (p.type === 'unsubscribe') expect(p.topicFilters.length).toBeGreaterThan(0);
  if ('packetId' in p && p.packetId !== undefined) expect(p.packetId).toBeGreaterThan(0);
}

describe('fuzzing the decoder', () => {
  it.each(seeds)('never throws on 3000 random or mutated inputs, any chunking (seed %i)', (seed) => {
    const random = prng(seed);
    for (let i = 0; i < 3000; i++) {
      const bytes = sample(random);
      const cuts = randomCuts(random, bytes.length, randomInt(random, 8));
      expect(() => decodeInChunks(bytes, cuts, LIMIT), `seed ${seed} case ${i}: ${bytes.toString('hex')}`).not.toThrow();
    }
  });

  it.each(seeds)('decodes 1500 hostile inputs the same whole and byte by byte (seed %i)', (seed) => {
    const random = prng(seed * 7919);
    for (let i = 0; i < 1500; i++) {
      const bytes = sample(random);
      const whole = decodeWhole(bytes, LIMIT);
      const bytewise = decodeInChunks(bytes, everyByte(bytes.length), LIMIT);
      const label = `seed ${seed} case ${i}: ${bytes.toString('hex')}`;
      expect(bytewise.packets, label).toStrictEqual(whole.packets);
      expect(bytewise.error, label).toStrictEqual(whole.error);
    }
  });

  it.each(seeds)('stays failed after its first error: nothing more is emitted (seed %i)', (seed) => {
    const random = prng(seed * 104729);
    let failures = 0;
    for (let i = 0; i < 2000; i++) {
      const decoder = new PacketDecoder({ maxPacketSize: LIMIT });
      const bytes = sample(random);
      const error = decoder.push(bytes, () => {});
      if (error === undefined) continue;
      failures++;
      let emitted = 0;
      for (const e of smallEntries.slice(0, 5)) {
        expect(decoder.push(e.bytes, () => { emitted++; })).toBe(error);
      }
      expect(emitted).toBe(0);
      expect(decoder.bufferedBytes).toBe(0);
    }
    expect(failures).toBeGreaterThan(500); // the sample really exercises the failure path
  });

  it.each(seeds)('accepts only packets that obey the invariants and re-encode to themselves (seed %i)', (seed) => {
    const random = prng(seed * 31337);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const run = decodeWhole(sample(random), LIMIT);
      for (const p of run.packets) {
        checkInvariants(p);
        if (p.type === 'connect' && !isSupportedProtocol(p)) continue; // best effort by design
        const again = decodeWhole(encodePacket(p), LIMIT);
        const expected = p.type === 'publish' && p.qos === 0 ? { ...p, dup: false } : p;
        expect(again.packets).toStrictEqual([expected]);
        accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe('UTF-8 checks against the platform decoder', () => {
  /** Random bytes biased towards the interesting lead/continuation ranges. */
  function utf8ish(random: () => number): Buffer {
    const pool = [0x00, 0x24, 0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    const length = randomInt(random, 8);
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = random() < 0.6 ? (pool[randomInt(random, pool.length)] as number) : randomInt(random, 256);
    return out;
  }

  it.each(seeds)('agrees with a fatal TextDecoder on 20000 byte strings [MQTT-1.5.3-1] (seed %i)', (seed) => {
    const random = prng(seed);
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (let i = 0; i < 20000; i++) {
      const bytes = utf8ish(random);
      let platform: string | undefined;
      try {
        platform = decoder.decode(bytes);
      } catch {
        platform = undefined;
      }
      const scan = scanUtf8(bytes, 0, bytes.length);
      const label = bytes.toString('hex');
      // (a U+0000 before the first ill-formed byte is reported as U+0000: either way it is refused)
      if (platform === undefined) expect(scan, label).toBeLessThan(0);
      else if (platform.includes('\u0000')) expect(scan, label).toBe(UTF8_NULL);
      else expect(scan, label).toBeGreaterThanOrEqual(0);
    }
  });
});
