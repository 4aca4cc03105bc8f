/**
 * PUBLISH [MQTT-3.3] — the hot path. Parsed inline (no Reader calls for the topic) because a
 * broker spends most of its decode time here: one pass over the topic bytes checks for U+0000,
 * wildcards and non-ASCII while hashing them; short ASCII topics seen before come from a small
 * per-connection cache, others decode through latin1 (exact for ASCII) or, when non-ASCII, get
 * the full UTF-8 check. The payload is a view.
 *
 * Payload views alias the bytes given to PacketDecoder.push (or the decoder's own reassembly
 * buffer). Consumers must not mutate them; anything that must outlive a caller-owned, reused
 * buffer must be copied explicitly. Node's net sockets hand over a fresh buffer per chunk, so
 * views of socket data stay valid for as long as they are referenced.
 */

import type { PublishPacket, QoS } from './packets.js';
import { type DecodeError, malformed, protocolError } from './errors.js';
import { type Reader, TOPIC_CACHE_MAX_LENGTH } from './reader.js';
import { scanUtf8, utf8Failure, UTF8_NON_ASCII, UTF8_WILDCARD } from './utf8.js';

export function parsePublish(r: Reader, flags: number): PublishPacket | DecodeError {
  const qos = (flags >> 1) & 0x03;
  // [MQTT-3.3.1-4] both QoS bits set is not a QoS.
  if (qos === 3) return malformed('PUBLISH with QoS 3', 'MQTT-3.3.1-4');
  const { buf, end } = r;
  let pos = r.pos;
  if (pos + 2 > end) return malformed('packet ends before the topic name length');
  const topicLength = ((buf[pos] as number) << 8) | (buf[pos + 1] as number);
  pos += 2;
  const topicEnd = pos + topicLength;
  if (topicEnd > end) return malformed('the topic name runs past the end of the packet');
  // [MQTT-4.7.3-1] a topic name is at least one character.
  if (topicLength === 0) return protocolError('empty topic name', 'MQTT-4.7.3-1');
  const topicName = readTopicName(r, pos, topicEnd);
  if (typeof topicName !== 'string') return topicName;
  pos = topicEnd;
  if (qos === 0) {
    return { type: 'publish', topicName, payload: buf.subarray(pos, end), qos, retain: (flags & 1) !== 0, dup: (flags & 8) !== 0 };
  }
  if (pos + 2 > end) return malformed('packet ends before the packet identifier');
  const packetId = ((buf[pos] as number) << 8) | (buf[pos + 1] as number);
  // [MQTT-2.3.1-1] QoS 1 and 2 PUBLISH carry a non-zero packet identifier.
  if (packetId === 0) return protocolError('PUBLISH with packet identifier 0', 'MQTT-2.3.1-1');
  pos += 2;
  return {
    type: 'publish',
    topicName,
    payload: buf.subarray(pos, end),
    qos: qos as QoS,
    retain: (flags & 1) !== 0,
    dup: (flags & 8) !== 0,
    packetId,
  };
}

/**
 * The topic name in buf[start, end): checked for UTF-8 [MQTT-1.5.3-1], U+0000 [MQTT-1.5.3-2] and
 * wildcards [MQTT-3.3.2-2]. Short ASCII names come from the reader's topic cache when the same
 * bytes were seen before (one pass computes the hash and does the checks).
 */
function readTopicName(r: Reader, start: number, end: number): string | DecodeError {
  const buf = r.buf;
  let hash = 0;
  let i = start;
  for (; i < end; i++) {
    const b = buf[i] as number;
    if (b >= 0x80 || b === 0 || b === 0x2b || b === 0x23) break;
    hash = (Math.imul(hash, 31) + b) | 0;
  }
  if (i < end) return readUnusualTopicName(buf, start, end);
  const length = end - start;
  if (length > TOPIC_CACHE_MAX_LENGTH) return buf.toString('latin1', start, end);
  const cache = r.topicCache;
  const slot = (hash ^ (hash >>> 5) ^ length) & (cache.length - 1);
  const cached = cache[slot];
  if (cached !== undefined && cached.length === length && sameAscii(cached, buf, start)) return cached;
  const topicName = buf.toString('latin1', start, end);
  cache[slot] = topicName;
  return topicName;
}

function sameAscii(s: string, buf: Buffer, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

/** Non-ASCII, or something the fast loop stopped at: the full checks, no cache. */
function readUnusualTopicName(buf: Buffer, start: number, end: number): string | DecodeError {
  const scan = scanUtf8(buf, start, end);
  if (scan < 0) {
    const { message, clause } = utf8Failure(scan, 'the topic name');
    return malformed(message, clause);
  }
  // [MQTT-3.3.2-2] no wildcards in a topic name.
  if ((scan & UTF8_WILDCARD) !== 0) return protocolError('wildcard character in a topic name', 'MQTT-3.3.2-2');
  return buf.toString((scan & UTF8_NON_ASCII) === 0 ? 'latin1' : 'utf8', start, end);
}
