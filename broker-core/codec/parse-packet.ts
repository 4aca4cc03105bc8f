/**
 * One complete packet (fixed header already framed) → Packet or DecodeError.
 * Checks the fixed-header flag bits per type, then hands the body to the type's parser.
 */

import type { Packet } from './packets.js';
import { type DecodeError, malformed } from './errors.js';
import type { Reader } from './reader.js';
import { parseConnect } from './parse-connect.js';
import { parsePublish } from './parse-publish.js';
import { parseSuback, parseSubscribe, parseUnsubscribe } from './parse-subscriptions.js';
import { parseConnack, parseEmpty, parseIdOnly } from './parse-control.js';

/**
 * [MQTT-2.2.2-1] the required low nibble of the first byte for every type but PUBLISH
 * (index = packet type). PUBREL, SUBSCRIBE and UNSUBSCRIBE carry 0b0010; the rest 0.
 * -1 marks the reserved types 0 and 15 [MQTT-2.2.1].
 */
const REQUIRED_FLAGS = [-1, 0, 0, -2, 0, 0, 0b0010, 0, 0b0010, 0, 0b0010, 0, 0, 0, 0, -1];
const NAMES = ['reserved 0', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'reserved 15'];

/** r is positioned at the start of the variable header; r.end is the end of the packet. */
export function parsePacket(firstByte: number, r: Reader): Packet | DecodeError {
  const type = firstByte >> 4;
  const flags = firstByte & 0x0f;
  if (type === 3) return parsePublish(r, flags);
  const required = REQUIRED_FLAGS[type] as number;
  if (required === -1) return malformed(`packet type ${type} is reserved`, 'MQTT-2.2.1');
  // [MQTT-2.2.2-2] invalid flags: the receiver must close the connection.
  if (flags !== required) {
    return malformed(`${NAMES[type] as string} fixed-header flags 0b${flags.toString(2).padStart(4, '0')}`, 'MQTT-2.2.2-2');
  }
  switch (type) {
    case 1: return parseConnect(r);
    case 2: return parseConnack(r);
    case 4: return parseIdOnly(r, 'puback');
    case 5: return parseIdOnly(r, 'pubrec');
    case 6: return parseIdOnly(r, 'pubrel');
    case 7: return parseIdOnly(r, 'pubcomp');
    case 8: return parseSubscribe(r);
    case 9: return parseSuback(r);
    case 10: return parseUnsubscribe(r);
    case 11: return parseIdOnly(r, 'unsuback');
    case 12: return parseEmpty(r, 'pingreq');
    case 13: return parseEmpty(r, 'pingresp');
    default: return parseEmpty(r, 'disconnect');
  }
}
