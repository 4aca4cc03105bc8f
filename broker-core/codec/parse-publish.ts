/**
 * PUBLISH [MQTT-3.3] — the hot path. Parsed inline (no Reader calls for the topic) because a
 * broker spends most of its decode time here: one scan of the topic bytes checks UTF-8, U+0000
 * and wildcards together, ASCII topics decode through latin1, and the payload is a view.
 *
 * Payload views alias the bytes given to PacketDecoder.push (or the decoder's own reassembly
 * buffer). Consumers must not mutate them; anything that must outlive a caller-owned, reused
 * buffer must be copied explicitly. Node's net sockets hand over a fresh buffer per chunk, so
 * views of socket data stay valid for as long as they are referenced.
 */

import type { PublishPacket, QoS } from './packets.js';
import { type DecodeError, malformed, protocolError } from './errors.js';
import type { Reader } from './reader.js';
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
  const scan = scanUtf8(buf, pos, topicEnd);
  if (scan < 0) {
    const { message, clause } = utf8Failure(scan, 'the topic name');
    return malformed(message, clause);
  }
  // [MQTT-3.3.2-2] no wildcards in a topic name.
  if ((scan & UTF8_WILDCARD) !== 0) return protocolError('wildcard character in a topic name', 'MQTT-3.3.2-2');
  const topicName = buf.toString((scan & UTF8_NON_ASCII) === 0 ? 'latin1' : 'utf8', pos, topicEnd);
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
