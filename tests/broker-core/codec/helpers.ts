/** Shared helpers for the codec tests: feeding a decoder in chosen chunks, a seeded PRNG. */

import { PacketDecoder, type DecodeError, type Packet } from '../../../broker-core/codec/index.js';

export interface DecodeRun {
  packets: Packet[];
  wireSizes: number[];
  error: DecodeError | undefined;
}

/** Feeds `bytes` to a fresh decoder cut at `cuts` (sorted offsets); collects everything. */
export function decodeInChunks(bytes: Uint8Array, cuts: number[], maxPacketSize: number): DecodeRun {
  const decoder = new PacketDecoder({ maxPacketSize });
  const run: DecodeRun = { packets: [], wireSizes: [], error: undefined };
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    const error = decoder.push(bytes.subarray(start, cut), (packet, wireSize) => {
      run.packets.push(packet);
      run.wireSizes.push(wireSize);
    });
    run.error ??= error;
    start = cut;
  }
  return run;
}

export function decodeWhole(bytes: Uint8Array, maxPacketSize: number): DecodeRun {
  return decodeInChunks(bytes, [], maxPacketSize);
}

/** Every offset: one byte per push. */
export function everyByte(length: number): number[] {
  return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
}

/** mulberry32: small, fast, seedable — failures are reproducible from the seed in the test name. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: () => number, below: number): number {
  return Math.floor(random() * below);
}

/** Random sorted cut points inside [1, length). */
export function randomCuts(random: () => number, length: number, count: number): number[] {
  const cuts = new Set<number>();
  for (let i = 0; i < count && length > 1; i++) cuts.add(1 + randomInt(random, length - 1));
  return [...cuts].sort((a, b) => a - b);
}
