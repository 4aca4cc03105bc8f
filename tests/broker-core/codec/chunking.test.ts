/**
 * Framing over a stream: whatever the chunking (one byte at a time, random cuts, everything at
 * once), the decoder yields the same packets in the same order, and bad input fails at the
 * first bad packet after emitting the good ones before it.
 */

import { describe, expect, it } from 'vitest';
import { PacketDecoder, encodePublish, type Packet } from '../../../broker-core/codec/index.js';
import { CATALOGUE_MAX_PACKET_SIZE, entry, invalidEntries, validEntries } from '../../support/packet-catalogue.js';
import { decodeInChunks, decodeWhole, everyByte, prng, randomCuts } from './helpers.js';

const stream = Buffer.concat(validEntries.map((e) => e.bytes));
const expectedPackets: Packet[] = validEntries.map((e) => e.packet);
const expectedSizes = validEntries.map((e) => e.bytes.length);

describe('chunking', () => {
  it('decodes the whole catalogue stream pushed as one chunk', () => {
    const run = decodeWhole(stream, CATALOGUE_MAX_PACKET_SIZE);
    expect(run.error).toBeUndefined();
    expect(run.packets).toStrictEqual(expectedPackets);
    expect(run.wireSizes).toEqual(expectedSizes);
  });

  it('decodes the whole catalogue stream fed one byte at a time', () => {
    const run = decodeInChunks(stream, everyByte(stream.length), CATALOGUE_MAX_PACKET_SIZE);
    expect(run.error).toBeUndefined();
    expect(run.packets).toStrictEqual(expectedPackets);
    expect(run.wireSizes).toEqual(expectedSizes);
  });

  it.each(validEntries.filter((e) => e.bytes.length < 300).map((e) => [e.name, e] as const))(
    'decodes %s identically at every single split point',
    (_name, e) => {
      for (let cut = 1; cut < e.bytes.length; cut++) {
        const run = decodeInChunks(e.bytes, [cut], CATALOGUE_MAX_PACKET_SIZE);
        expect(run.error, `cut at ${cut}`).toBeUndefined();
        expect(run.packets, `cut at ${cut}`).toStrictEqual([e.packet]);
      }
    },
  );

  it.each([1, 2, 3, 4])('decodes the catalogue stream in 25 random chunkings of up to 400 cuts (seed %i)', (seed) => {
    const random = prng(seed);
    for (let round = 0; round < 25; round++) {
      const cuts = randomCuts(random, stream.length, 1 + Math.floor(random() * 400));
      const run = decodeInChunks(stream, cuts, CATALOGUE_MAX_PACKET_SIZE);
      expect(run.error).toBeUndefined();
      expect(run.packets).toStrictEqual(expectedPackets);
      expect(run.wireSizes).toEqual(expectedSizes);
    }
  });

  it('accepts chunks that are plain Uint8Array views at an offset into a larger ArrayBuffer', () => {
    const backing = new Uint8Array(stream.length + 10);
    backing.set(stream, 7);
    const view = new Uint8Array(backing.buffer, 7, stream.length);
    const run = decodeInChunks(view, [3, 100, 101], CATALOGUE_MAX_PACKET_SIZE);
    expect(run.error).toBeUndefined();
    expect(run.packets).toStrictEqual(expectedPackets);
  });

  it('treats an empty chunk as nothing, mid-packet or not', () => {
    const bytes = entry('publish-qos1').bytes;
    const run = decodeInChunks(bytes, [0, 0, 3, 3, bytes.length], CATALOGUE_MAX_PACKET_SIZE);
    expect(run.error).toBeUndefined();
    expect(run.packets).toHaveLength(1);
  });

  it('decodes a packet whose remaining length takes four bytes [MQTT-2.2.3]', () => {
    const payload = Buffer.alloc(2_097_152, 0x5a);
    const bytes = encodePublish('big', payload, 0, false, false);
    expect([...bytes.subarray(0, 5)]).toEqual([0x30, 0x85, 0x80, 0x80, 0x01]);
    const run = decodeInChunks(bytes, [2, 4, 1000, 65_536], 4 << 20);
    expect(run.error).toBeUndefined();
    expect(run.packets).toHaveLength(1);
    expect(run.packets[0]).toMatchObject({ type: 'publish', topicName: 'big' });
    expect(Buffer.compare((run.packets[0] as { payload: Uint8Array }).payload, payload)).toBe(0);
  });
});

describe('errors in a stream', () => {
  it.each(invalidEntries.map((e) => [e.name, e] as const))(
    'emits the good packets before %s, then fails, at any chunking',
    (_name, bad) => {
      const good = entry('publish-qos1');
      const after = entry('pingreq');
      const bytes = Buffer.concat([good.bytes, good.bytes, bad.bytes, after.bytes]);
      const limit = bad.maxPacketSize ?? CATALOGUE_MAX_PACKET_SIZE;
      for (const cuts of [[], everyByte(bytes.length), [good.bytes.length * 2 + 1]]) {
        const run = decodeInChunks(bytes, cuts, limit);
        expect(run.packets.map((p) => p.type)).toEqual(['publish', 'publish']);
        expect(run.error?.kind).toBe(bad.error.kind);
      }
    },
  );

  it('refuses a too-large packet from its fixed header alone, before any body byte arrives', () => {
    const decoder = new PacketDecoder({ maxPacketSize: 1024 });
    const onPacket = (): void => { throw new Error('no packet expected'); };
    expect(decoder.push(Buffer.from([0x30]), onPacket)).toBeUndefined();
    expect(decoder.push(Buffer.from([0x81]), onPacket)).toBeUndefined();
    // remaining length 1 + 8 × 128 = 1025 is now known: refused without waiting for the body
    const error = decoder.push(Buffer.from([0x08]), onPacket);
    expect(error?.kind).toBe('too-large');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('accepts a packet whose remaining length equals maxPacketSize exactly', () => {
    const bytes = encodePublish('a/b', Buffer.alloc(95), 0, false, false); // remaining length 100
    expect(decodeWhole(bytes, 100).error).toBeUndefined();
    expect(decodeWhole(bytes, 99).error?.kind).toBe('too-large');
  });

  it('fails a fifth remaining-length byte as soon as the fourth byte says "continue" [MQTT-2.2.3]', () => {
    const decoder = new PacketDecoder({ maxPacketSize: CATALOGUE_MAX_PACKET_SIZE });
    const noop = (): void => {};
    expect(decoder.push(Buffer.from([0x30, 0xff, 0xff]), noop)).toBeUndefined();
    expect(decoder.push(Buffer.from([0xff]), noop)).toBeUndefined();
    expect(decoder.push(Buffer.from([0xff]), noop)).toMatchObject({ kind: 'malformed', clause: 'MQTT-2.2.3' });
  });

  it('stays failed: later input is ignored and the same error is returned', () => {
    const decoder = new PacketDecoder({ maxPacketSize: CATALOGUE_MAX_PACKET_SIZE });
    const seen: Packet[] = [];
    const first = decoder.push(entry('publish-qos3').bytes, (p) => seen.push(p));
    expect(first?.kind).toBe('malformed');
    expect(decoder.push(entry('pingreq').bytes, (p) => seen.push(p))).toBe(first);
    expect(decoder.error).toBe(first);
    expect(seen).toEqual([]);
  });

  it('holds back at most one partial packet, sized by its header', () => {
    const decoder = new PacketDecoder({ maxPacketSize: CATALOGUE_MAX_PACKET_SIZE });
    const bytes = entry('publish-qos1-remaining-length-207').bytes;
    decoder.push(bytes.subarray(0, 2), () => {});
    expect(decoder.bufferedBytes).toBe(2);
    decoder.push(bytes.subarray(2, 50), () => {});
    expect(decoder.bufferedBytes).toBe(50);
    decoder.push(bytes.subarray(50), () => {});
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('propagates an exception thrown by onPacket and fails the decoder', () => {
    const decoder = new PacketDecoder({ maxPacketSize: CATALOGUE_MAX_PACKET_SIZE });
    expect(() => decoder.push(entry('pingreq').bytes, () => { throw new Error('handler bug'); })).toThrow('handler bug');
    expect(decoder.error?.message).toContain('handler bug');
  });
});

function publishPayload(p: Packet | undefined): Buffer {
  if (p?.type !== 'publish') throw new Error(`expected a PUBLISH, got ${p?.type}`);
  return p.payload as Buffer;
}

describe('payload views', () => {
  it('returns the PUBLISH payload as a view of the pushed chunk, not a copy', () => {
    const bytes = Buffer.from(entry('publish-qos0').bytes);
    const run = decodeWhole(bytes, CATALOGUE_MAX_PACKET_SIZE);
    const payload = publishPayload(run.packets[0]);
    expect(payload.buffer).toBe(bytes.buffer);
    bytes[bytes.length - 1] = 0x21; // the aliasing contract: mutating the chunk shows through
    expect(payload.toString()).toBe('h!');
  });

  it('gives a packet reassembled from several chunks its own buffer', () => {
    const bytes = Buffer.from(entry('publish-qos0').bytes);
    const run = decodeInChunks(bytes, [4], CATALOGUE_MAX_PACKET_SIZE);
    const payload = publishPayload(run.packets[0]);
    bytes.fill(0);
    expect(payload.toString()).toBe('hi');
  });
});
