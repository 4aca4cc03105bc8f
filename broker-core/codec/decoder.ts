/**
 * Stream framing: bytes in any chunking → complete packets, in order.
 *
 * Complete packets are parsed straight out of the chunk that holds them. Only a packet that
 * spans chunks is reassembled, in a buffer of exactly its size, allocated once its fixed header
 * is known; a partial fixed header (at most 4 bytes) waits in a 5-byte array. So the decoder's
 * memory per connection is bounded by maxPacketSize + 5 bytes, and a remaining length above the
 * bound is refused as soon as the header is read, before any of the body is buffered.
 *
 * Packets carry views (payload, password, will payload) into the chunk or the reassembly
 * buffer: see parse-publish.ts for the aliasing contract.
 */

import type { Packet } from './packets.js';
import { type DecodeError, malformed } from './errors.js';
import { Reader } from './reader.js';
import { parsePacket } from './parse-packet.js';

export type { DecodeError } from './errors.js';

export interface DecoderOptions {
  /** largest accepted remaining length in bytes; larger packets fail with 'too-large' */
  maxPacketSize: number;
}

export type PacketHandler = (packet: Packet, wireSize: number) => void;

/** The varint has at most 4 bytes [MQTT-2.2.3]: a 1-byte type + 4 length bytes. */
const MAX_HEADER = 5;
const EMPTY = Buffer.alloc(0);

export class PacketDecoder {
  private readonly maxPacketSize: number;
  private readonly reader = new Reader();
  private failure: DecodeError | undefined = undefined;
  /** a fixed header cut by a chunk boundary */
  private readonly header = new Uint8Array(MAX_HEADER);
  private headerLength = 0;
  /** a packet cut by a chunk boundary: exactly its wire size, filled up to pendingFilled */
  private pending: Buffer | undefined = undefined;
  private pendingFilled = 0;
  private pendingBodyStart = 0;

  constructor(options: DecoderOptions) {
    this.maxPacketSize = options.maxPacketSize;
  }

  /** The error that failed this decoder, if any. Once set, push() ignores input. */
  get error(): DecodeError | undefined {
    return this.failure;
  }

  /** Bytes held back waiting for the rest of a packet (for statistics and bounds checks). */
  get bufferedBytes(): number {
    return this.headerLength + (this.pending === undefined ? 0 : this.pendingFilled);
  }

  /**
   * Feed bytes as they arrive (any chunking). Calls onPacket for each complete packet in order.
   * Returns a DecodeError on the first bad packet; from then on the decoder is failed: it
   * ignores input and returns that same error again. Never throws on any input; an exception
   * thrown by onPacket propagates to the caller and fails the decoder (the stream position
   * would otherwise be unknown).
   */
  push(chunk: Uint8Array, onPacket: PacketHandler): DecodeError | undefined {
    if (this.failure !== undefined) return this.failure;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      let offset = 0;
      if (this.headerLength > 0 || this.pending !== undefined) {
        offset = this.continuePartial(buf, onPacket);
      }
      while (this.failure === undefined && offset < buf.length) {
        offset = this.nextPacket(buf, offset, onPacket);
      }
    } catch (thrown) {
      this.failure = { kind: 'protocol', message: `packet handler threw: ${String(thrown)}` };
      throw thrown;
    }
    return this.failure;
  }

  /** Frames and emits the packet at buf[offset]; returns the offset after what was consumed. */
  private nextPacket(buf: Buffer, offset: number, onPacket: PacketHandler): number {
    const length = buf.length;
    // [MQTT-2.2.3] remaining length: 7 bits per byte, continuation in bit 7, at most 4 bytes.
    let pos = offset + 1;
    let remainingLength = 0;
    let multiplier = 1;
    for (;;) {
      if (pos >= length) return this.stashHeader(buf, offset);
      const b = buf[pos++] as number;
      remainingLength += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) break;
      if (pos - offset === MAX_HEADER) return this.fail(malformed('remaining length longer than 4 bytes', 'MQTT-2.2.3'));
      multiplier *= 128;
    }
    if (remainingLength > this.maxPacketSize) return this.failTooLarge(remainingLength);
    const end = pos + remainingLength;
    if (end > length) {
      const pending = Buffer.allocUnsafe(end - offset);
      buf.copy(pending, 0, offset, length);
      this.pending = pending;
      this.pendingFilled = length - offset;
      this.pendingBodyStart = pos - offset;
      return length;
    }
    this.emit(buf, offset, pos, end, onPacket);
    return end;
  }

  /** Consumes the start of buf into the partial header / pending packet; returns the new offset. */
  private continuePartial(buf: Buffer, onPacket: PacketHandler): number {
    let offset = 0;
    if (this.headerLength > 0) {
      offset = this.completeHeader(buf);
      if (this.pending === undefined) return offset; // still partial, or failed
    }
    const pending = this.pending as Buffer;
    const take = Math.min(pending.length - this.pendingFilled, buf.length - offset);
    buf.copy(pending, this.pendingFilled, offset, offset + take);
    this.pendingFilled += take;
    offset += take;
    if (this.pendingFilled === pending.length) {
      this.pending = undefined;
      this.emit(pending, 0, this.pendingBodyStart, pending.length, onPacket);
    }
    return offset;
  }

  /** Adds bytes to a partial fixed header until it is complete; then allocates the pending packet. */
  private completeHeader(buf: Buffer): number {
    let offset = 0;
    while (offset < buf.length) {
      const b = buf[offset++] as number;
      this.header[this.headerLength++] = b;
      let remainingLength = 0;
      let multiplier = 1;
      let complete = false;
      for (let i = 1; i < this.headerLength; i++) {
        const lb = this.header[i] as number;
        remainingLength += (lb & 0x7f) * multiplier;
        multiplier *= 128;
        if ((lb & 0x80) === 0) complete = true;
      }
      if (!complete) {
        if (this.headerLength === MAX_HEADER) {
          this.fail(malformed('remaining length longer than 4 bytes', 'MQTT-2.2.3'));
          return buf.length;
        }
        continue;
      }
      if (remainingLength > this.maxPacketSize) {
        this.failTooLarge(remainingLength);
        return buf.length;
      }
      const pending = Buffer.allocUnsafe(this.headerLength + remainingLength);
      pending.set(this.header.subarray(0, this.headerLength));
      this.pending = pending;
      this.pendingFilled = this.headerLength;
      this.pendingBodyStart = this.headerLength;
      this.headerLength = 0;
      return offset;
    }
    return offset;
  }

  private stashHeader(buf: Buffer, offset: number): number {
    this.header.set(buf.subarray(offset));
    this.headerLength = buf.length - offset;
    return buf.length;
  }

  private emit(buf: Buffer, start: number, bodyStart: number, end: number, onPacket: PacketHandler): void {
    const reader = this.reader;
    reader.reset(buf, bodyStart, end);
    const result = parsePacket(buf[start] as number, reader);
    reader.buf = EMPTY; // do not keep the chunk alive through the reader between packets
    if ('kind' in result) {
      this.fail(result);
      return;
    }
    onPacket(result, end - start);
  }

  private failTooLarge(remainingLength: number): number {
    return this.fail({
      kind: 'too-large',
      message: `remaining length ${remainingLength} exceeds the limit of ${this.maxPacketSize} bytes`,
    });
  }

  private fail(error: DecodeError): number {
    this.failure = error;
    this.pending = undefined;
    this.headerLength = 0;
    return Number.MAX_SAFE_INTEGER;
  }
}
