import { describe, expect, it } from 'vitest';
import { SlipDecoder, slipEncode } from '../../../electron/serial/slip.js';
import { isPlausibleLoaderFrame } from '../../../electron/serial/rom-protocol.js';

function decodeAll(bytes: Buffer, accept?: (f: Buffer) => boolean): { frames: Buffer[]; decoder: SlipDecoder } {
  const frames: Buffer[] = [];
  const decoder = new SlipDecoder((f) => frames.push(f), 64 * 1024, undefined, accept);
  decoder.push(bytes);
  return { frames, decoder };
}

describe('SLIP framing (serial-protocol.rst "Packet Description")', () => {
  it('escapes 0xC0 as DB DC and 0xDB as DB DD between two 0xC0 delimiters', () => {
    expect([...slipEncode(Buffer.from([0x01, 0xc0, 0x02, 0xdb, 0x03]))]).toEqual([0xc0, 0x01, 0xdb, 0xdc, 0x02, 0xdb, 0xdd, 0x03, 0xc0]);
  });

  it('decodes what it encodes, for every byte value, even when split into single bytes', () => {
    const payload = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const frames: Buffer[] = [];
    const d = new SlipDecoder((f) => frames.push(f));
    for (const b of slipEncode(payload)) d.push(Buffer.from([b]));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.equals(payload)).toBe(true);
  });

  it('counts text outside frames as noise (the ROM boot banner) and still finds the frame after it', () => {
    const reply = Buffer.from([0x01, 0x08, 0x02, 0x00, 0x07, 0x07, 0x12, 0x20, 0x00, 0x00]);
    const { frames, decoder } = decodeAll(Buffer.concat([Buffer.from(' ets Jan  8 2013,rst cause:2, boot mode:(1,6)\r\n'), slipEncode(reply)]));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.equals(reply)).toBe(true);
    expect(decoder.stats.noiseBytes).toBe(47);
  });

  it('recovers a reply preceded by garbage that contains a stray 0xC0 when given a plausibility check', () => {
    const reply = Buffer.from([0x01, 0x0a, 0x02, 0x00, 0x01, 0xc1, 0xf0, 0xff, 0x00, 0x00]);
    const garbage = Buffer.from([0x8f, 0x12, 0xc0, 0x33, 0x99, 0x47]);
    const { frames } = decodeAll(Buffer.concat([garbage, slipEncode(reply)]), isPlausibleLoaderFrame);
    expect(frames.map((f) => f.toString('hex'))).toEqual([reply.toString('hex')]);
  });

  it('drops a frame with an invalid escape and counts it, without losing the next frame', () => {
    const good = Buffer.from([0x01, 0x02, 0x02, 0x00, 0, 0, 0, 0, 0, 0]);
    const { frames, decoder } = decodeAll(Buffer.concat([Buffer.from([0xc0, 0x05, 0xdb, 0x41, 0xc0]), slipEncode(good)]), isPlausibleLoaderFrame);
    expect(frames).toHaveLength(1);
    expect(decoder.stats.droppedFrames).toBe(1);
  });

  it('bounds a frame at maxFrameBytes and counts the oversized frame as dropped', () => {
    const frames: Buffer[] = [];
    const d = new SlipDecoder((f) => frames.push(f), 16);
    d.push(slipEncode(Buffer.alloc(17, 1)));
    d.push(slipEncode(Buffer.alloc(16, 2)));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.length).toBe(16);
    expect(d.stats.droppedFrames).toBe(1);
  });
});
