/**
 * SUBSCRIBE [MQTT-3.8], SUBACK [MQTT-3.9] and UNSUBSCRIBE [MQTT-3.10].
 *
 * Topic filters are checked here only as MQTT strings (well-formed UTF-8, no U+0000). Wildcard
 * placement [MQTT-4.7.1-2/3] and emptiness [MQTT-4.7.3-1] are left to the broker via
 * validateTopicFilter: MQTT 3.1.1 lets a server refuse one filter with SUBACK 0x80 while granting
 * the others, which is kinder to a device with one bad filter than closing its connection.
 */

import type { SubackPacket, SubackReturnCode, SubscribePacket, Subscription, UnsubscribePacket, QoS } from './packets.js';
import { type DecodeError, malformed, protocolError } from './errors.js';
import type { Reader } from './reader.js';

function readPacketId(r: Reader, what: string): number | DecodeError {
  const packetId = r.u16('the packet identifier');
  if (packetId < 0) return r.failure();
  // [MQTT-2.3.1-1] SUBSCRIBE, UNSUBSCRIBE (and their acks) carry a non-zero packet identifier.
  if (packetId === 0) return protocolError(`${what} with packet identifier 0`, 'MQTT-2.3.1-1');
  return packetId;
}

export function parseSubscribe(r: Reader): SubscribePacket | DecodeError {
  const packetId = readPacketId(r, 'SUBSCRIBE');
  if (typeof packetId !== 'number') return packetId;
  const subscriptions: Subscription[] = [];
  while (r.remaining > 0) {
    const topicFilter = r.utf8('a topic filter');
    if (topicFilter === undefined) return r.failure();
    const options = r.u8('the requested QoS');
    if (options < 0) return r.failure();
    // [MQTT-3-8.3-4] the upper six bits are reserved and QoS 3 does not exist.
    if (options > 2) return malformed(`requested QoS byte 0x${options.toString(16).padStart(2, '0')}`, 'MQTT-3-8.3-4');
    subscriptions.push({ topicFilter, qos: options as QoS });
  }
  // [MQTT-3.8.3-3] at least one topic filter / QoS pair.
  if (subscriptions.length === 0) return protocolError('SUBSCRIBE without topic filters', 'MQTT-3.8.3-3');
  return { type: 'subscribe', packetId, subscriptions };
}

export function parseSuback(r: Reader): SubackPacket | DecodeError {
  const packetId = readPacketId(r, 'SUBACK');
  if (typeof packetId !== 'number') return packetId;
  const returnCodes: SubackReturnCode[] = [];
  while (r.remaining > 0) {
    const code = r.u8('a return code');
    // [MQTT-3.9.3-2] only 0x00, 0x01, 0x02 and 0x80 are defined.
    if (code !== 0 && code !== 1 && code !== 2 && code !== 0x80) {
      return malformed(`SUBACK return code 0x${code.toString(16).padStart(2, '0')}`, 'MQTT-3.9.3-2');
    }
    returnCodes.push(code);
  }
  // One return code per requested filter [MQTT-3.9.3-1], and a SUBSCRIBE has at least one.
  if (returnCodes.length === 0) return protocolError('SUBACK without return codes', 'MQTT-3.9.3-1');
  return { type: 'suback', packetId, returnCodes };
}

export function parseUnsubscribe(r: Reader): UnsubscribePacket | DecodeError {
  const packetId = readPacketId(r, 'UNSUBSCRIBE');
  if (typeof packetId !== 'number') return packetId;
  const topicFilters: string[] = [];
  while (r.remaining > 0) {
    const topicFilter = r.utf8('a topic filter');
    if (topicFilter === undefined) return r.failure();
    topicFilters.push(topicFilter);
  }
  // [MQTT-3.10.3-2] at least one topic filter.
  if (topicFilters.length === 0) return protocolError('UNSUBSCRIBE without topic filters', 'MQTT-3.10.3-2');
  return { type: 'unsubscribe', packetId, topicFilters };
}

export { readPacketId };
