/**
 * A cursor over one packet's bytes (the variable header and payload of a single packet).
 * Every read is bounds-checked against `end`; a failed read records the first DecodeError and
 * returns a sentinel, so the per-type parsers stay flat (read, check `r.error`, go on).
 * One Reader is owned by each PacketDecoder and reset per packet: no allocation per read.
 */

import { type DecodeError, malformed } from './errors.js';
import { scanUtf8, utf8Failure, UTF8_NON_ASCII } from './utf8.js';

/** Topic names up to this many bytes are remembered (bounds the cache: 32 × 128 chars). */
export const TOPIC_CACHE_MAX_LENGTH = 128;
const TOPIC_CACHE_SLOTS = 32;

export class Reader {
  /**
   * Recently decoded ASCII topic names, direct-mapped by a hash of their bytes. A device
   * publishes to the same few topics over and over; reusing the string skips the decode and
   * the garbage, and hands the broker the same string instance (whose hash V8 has cached).
   */
  readonly topicCache: (string | undefined)[] = new Array<string | undefined>(TOPIC_CACHE_SLOTS).fill(undefined);
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;
  error: DecodeError | undefined = undefined;

  reset(buf: Buffer, pos: number, end: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.error = undefined;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** The recorded error (after a read returned its sentinel). */
  failure(): DecodeError {
    return this.error ?? malformed('packet could not be read');
  }

  fail(error: DecodeError): void {
    if (this.error === undefined) this.error = error;
  }

  /** One byte, or -1 (and an error) when the packet has ended. */
  u8(what: string): number {
    if (this.pos >= this.end) {
      this.fail(malformed(`packet ends before ${what}`));
      return -1;
    }
    return this.buf[this.pos++] as number;
  }

  /** Big-endian two-byte integer [MQTT-1.5.2], or -1 (and an error) when the packet has ended. */
  u16(what: string): number {
    if (this.pos + 2 > this.end) {
      this.fail(malformed(`packet ends before ${what}`));
      return -1;
    }
    const value = ((this.buf[this.pos] as number) << 8) | (this.buf[this.pos + 1] as number);
    this.pos += 2;
    return value;
  }

  /**
   * A length-prefixed UTF-8 string [MQTT-1.5.3], checked for well-formedness and U+0000.
   * Returns undefined (and an error) on failure.
   */
  utf8(what: string): string | undefined {
    const length = this.u16(`the length of ${what}`);
    if (length < 0) return undefined;
    const start = this.pos;
    const stop = start + length;
    if (stop > this.end) {
      this.fail(malformed(`${what} runs past the end of the packet`));
      return undefined;
    }
    const scan = scanUtf8(this.buf, start, stop);
    if (scan < 0) {
      const { message, clause } = utf8Failure(scan, what);
      this.fail(malformed(message, clause));
      return undefined;
    }
    this.pos = stop;
    // ASCII is a subset of latin1, whose decoder is a straight byte copy.
    return this.buf.toString((scan & UTF8_NON_ASCII) === 0 ? 'latin1' : 'utf8', start, stop);
  }

  /**
   * Length-prefixed binary data [MQTT-1.5.3 usage in 3.1.3.3 / 3.1.3.5] as a view that aliases the
   * packet bytes (no copy). Returns undefined (and an error) on failure.
   */
  binary(what: string): Buffer | undefined {
    const length = this.u16(`the length of ${what}`);
    if (length < 0) return undefined;
    const start = this.pos;
    if (start + length > this.end) {
      this.fail(malformed(`${what} runs past the end of the packet`));
      return undefined;
    }
    this.pos = start + length;
    return this.buf.subarray(start, start + length);
  }

  /** The rest of the packet as a view (PUBLISH payload). */
  rest(): Buffer {
    const view = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return view;
  }

  /** Records a 'malformed' error if bytes remain: a packet longer than its fields is malformed. */
  expectEnd(what: string): void {
    if (this.pos !== this.end) this.fail(malformed(`${this.end - this.pos} unexpected trailing byte(s) in ${what}`));
  }
}
