/**
 * UTF-8 string checks for MQTT's length-prefixed strings [MQTT-1.5.3].
 *
 * One pass over the bytes answers everything the decoder needs: is it well-formed, does it
 * contain U+0000, is it pure ASCII (so the cheap latin1 decode is exact), and does it contain a
 * wildcard character (for topic names). No allocation happens here.
 *
 * Accepted on purpose: control characters and non-characters such as U+FFFE/U+FFFF. Section
 * 1.5.3 only says data "SHOULD NOT" include them (no MUST for the receiver), and real devices send
 * odd bytes, so closing the connection for them would be harsher than the specification.
 * A BOM (EF BB BF) is kept as U+FEFF, never stripped [MQTT-1.5.3-3].
 */

/** Bit flags of a successful scan. */
export const UTF8_NON_ASCII = 1;
export const UTF8_WILDCARD = 2;

/** Negative results of a failed scan. */
export const UTF8_ILL_FORMED = -1;
export const UTF8_NULL = -2;
export const UTF8_SURROGATE = -3;

const PLUS = 0x2b;
const HASH = 0x23;

/**
 * Scans buf[start, end). Returns a non-negative combination of UTF8_NON_ASCII / UTF8_WILDCARD,
 * or one of the negative UTF8_* failure codes.
 */
export function scanUtf8(buf: Uint8Array, start: number, end: number): number {
  let flags = 0;
  let i = start;
  while (i < end) {
    const b = buf[i] as number;
    if (b < 0x80) {
      if (b === 0) return UTF8_NULL;
      if (b === PLUS || b === HASH) flags |= UTF8_WILDCARD;
      i++;
      continue;
    }
    flags |= UTF8_NON_ASCII;
    const step = multiByteLength(buf, i, end);
    if (step < 0) return step;
    i += step;
  }
  return flags;
}

/** Length of the well-formed multi-byte sequence at buf[i] (lead byte >= 0x80), or a failure code. */
function multiByteLength(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i] as number;
  // C0, C1 would be overlong two-byte forms; 80-BF are stray continuation bytes; F5-FF are never valid.
  if (b < 0xc2 || b > 0xf4) return UTF8_ILL_FORMED;
  if (b < 0xe0) {
    return i + 1 < end && isContinuation(buf[i + 1]) ? 2 : UTF8_ILL_FORMED;
  }
  if (i + 1 >= end) return UTF8_ILL_FORMED;
  const b1 = buf[i + 1] as number;
  if (b < 0xf0) {
    if (!isContinuation(b1) || !(i + 2 < end && isContinuation(buf[i + 2]))) return UTF8_ILL_FORMED;
    if (b === 0xe0 && b1 < 0xa0) return UTF8_ILL_FORMED; // overlong
    // [MQTT-1.5.3-1] U+D800..U+DFFF encoded directly (ED A0..BF xx) are surrogates, never characters.
    if (b === 0xed && b1 >= 0xa0) return UTF8_SURROGATE;
    return 3;
  }
  if (!isContinuation(b1) || !(i + 3 < end && isContinuation(buf[i + 2]) && isContinuation(buf[i + 3]))) {
    return UTF8_ILL_FORMED;
  }
  if (b === 0xf0 && b1 < 0x90) return UTF8_ILL_FORMED; // overlong
  if (b === 0xf4 && b1 >= 0x90) return UTF8_ILL_FORMED; // beyond U+10FFFF
  return 4;
}

function isContinuation(b: number | undefined): boolean {
  return b !== undefined && (b & 0xc0) === 0x80;
}

/** Human-readable reason and clause for a negative scan result. */
export function utf8Failure(code: number, what: string): { message: string; clause: string } {
  if (code === UTF8_NULL) return { message: `${what} contains U+0000`, clause: 'MQTT-1.5.3-2' };
  if (code === UTF8_SURROGATE) return { message: `${what} contains a UTF-16 surrogate code point`, clause: 'MQTT-1.5.3-1' };
  return { message: `${what} is not well-formed UTF-8`, clause: 'MQTT-1.5.3-1' };
}
