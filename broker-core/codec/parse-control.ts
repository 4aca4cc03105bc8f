/**
 * The fixed-size packets: CONNACK [MQTT-3.2], the PUBLISH acknowledgements [MQTT-3.4..3.7],
 * UNSUBACK [MQTT-3.11], PINGREQ/PINGRESP [MQTT-3.12/3.13] and DISCONNECT [MQTT-3.14].
 * Their remaining length is fixed by the specification; any other length is malformed.
 */

import type { ConnackCode, ConnackPacket, Packet } from './packets.js';
import { type DecodeError, malformed, protocolError } from './errors.js';
import type { Reader } from './reader.js';
import { readPacketId } from './parse-subscriptions.js';

export function parseConnack(r: Reader): ConnackPacket | DecodeError {
  if (r.remaining !== 2) return malformed(`CONNACK remaining length ${r.remaining}, expected 2`, 'MQTT-3.2.2');
  const ackFlags = r.u8('the acknowledge flags');
  const returnCode = r.u8('the return code');
  // Bits 7-1 of the acknowledge flags are reserved and set to 0 [MQTT-3.2.2.1].
  if ((ackFlags & 0xfe) !== 0) return malformed('CONNACK reserved acknowledge flags are set', 'MQTT-3.2.2.1');
  // [MQTT-3.2.2.3] return codes 6-255 are reserved.
  if (returnCode > 5) return protocolError(`CONNACK return code ${returnCode} is reserved`, 'MQTT-3.2.2.3');
  // [MQTT-3.2.2-4] a refusal never reports a present session.
  if (returnCode !== 0 && ackFlags !== 0) return protocolError('CONNACK refusal with session present', 'MQTT-3.2.2-4');
  return { type: 'connack', sessionPresent: ackFlags === 1, returnCode: returnCode as ConnackCode };
}

export type IdOnlyKind = 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'unsuback';

/** Packet names for messages, looked up rather than built: parseIdOnly runs for every acknowledgement. */
const ID_ONLY_NAMES: Readonly<Record<IdOnlyKind, string>> = { puback: 'PUBACK', pubrec: 'PUBREC', pubrel: 'PUBREL', pubcomp: 'PUBCOMP', unsuback: 'UNSUBACK' };

export function parseIdOnly(r: Reader, type: IdOnlyKind): Packet | DecodeError {
  if (r.remaining !== 2) return malformed(`${ID_ONLY_NAMES[type]} remaining length ${r.remaining}, expected 2`);
  const packetId = readPacketId(r, ID_ONLY_NAMES[type]);
  if (typeof packetId !== 'number') return packetId;
  return { type, packetId };
}

export function parseEmpty(r: Reader, type: 'pingreq' | 'pingresp' | 'disconnect'): Packet | DecodeError {
  if (r.remaining !== 0) return malformed(`${type.toUpperCase()} remaining length ${r.remaining}, expected 0`);
  return { type };
}
