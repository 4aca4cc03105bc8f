/**
 * CONNECT [MQTT-3.1]. Strict for the two protocols we serve — "MQTT" level 4 (3.1.1) and
 * "MQIsdp" level 3 (3.1, still spoken by older device firmware). For a known protocol name with
 * any other level the packet is returned best effort (protocolLevel set, fields read as far as
 * they parse, MQTT 5 properties skipped) so the broker can answer CONNACK 0x01 [MQTT-3.1.2-2]
 * instead of dropping the connection silently.
 */

import type { ConnectPacket, QoS, Will } from './packets.js';
import { type DecodeError, malformed, protocolError } from './errors.js';
import type { Reader } from './reader.js';
import { validateTopicName } from '../topics/validate.js';

const FLAG_RESERVED = 0x01;
const FLAG_CLEAN_SESSION = 0x02;
const FLAG_WILL = 0x04;
const FLAG_WILL_RETAIN = 0x20;
const FLAG_PASSWORD = 0x40;
const FLAG_USERNAME = 0x80;

/** Known protocol names and the level each one is served at. */
const SERVED_LEVEL: Readonly<Record<string, number>> = { MQTT: 4, MQIsdp: 3 };

/** True when the broker serves this (protocolName, protocolLevel) pair; otherwise CONNACK 0x01. */
export function isSupportedProtocol(packet: Pick<ConnectPacket, 'protocolName' | 'protocolLevel'>): boolean {
  return SERVED_LEVEL[packet.protocolName] === packet.protocolLevel;
}

export function parseConnect(r: Reader): ConnectPacket | DecodeError {
  const protocolName = r.utf8('the protocol name');
  if (protocolName === undefined) return r.failure();
  const servedLevel = SERVED_LEVEL[protocolName];
  // [MQTT-3.1.2-1] an unknown protocol name must not be processed as MQTT: the connection closes.
  if (servedLevel === undefined) {
    return protocolError(`unknown protocol name ${JSON.stringify(protocolName)}`, 'MQTT-3.1.2-1');
  }
  const protocolLevel = r.u8('the protocol level');
  if (protocolLevel < 0) return r.failure();
  if (protocolLevel !== servedLevel) return bestEffortConnect(r, protocolName, protocolLevel);

  const flags = r.u8('the connect flags');
  const keepalive = r.u16('the keep alive');
  if (r.error) return r.failure();
  // [MQTT-3.1.2-3] the reserved flag must be 0.
  if ((flags & FLAG_RESERVED) !== 0) return malformed('CONNECT reserved flag is set', 'MQTT-3.1.2-3');
  const willFlag = (flags & FLAG_WILL) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & FLAG_WILL_RETAIN) !== 0;
  // [MQTT-3.1.2-11] without the will flag, will QoS [MQTT-3.1.2-13] and will retain [MQTT-3.1.2-15] are 0.
  if (!willFlag && willQos !== 0) return protocolError('will QoS set without the will flag', 'MQTT-3.1.2-13');
  if (!willFlag && willRetain) return protocolError('will retain set without the will flag', 'MQTT-3.1.2-15');
  if (willQos === 3) return malformed('will QoS 3', 'MQTT-3.1.2-14');
  const hasUsername = (flags & FLAG_USERNAME) !== 0;
  const hasPassword = (flags & FLAG_PASSWORD) !== 0;
  if (hasPassword && !hasUsername) return protocolError('password flag set without the user name flag', 'MQTT-3.1.2-22');

  // [MQTT-3.1.3-1] payload fields appear in this order, each present iff its flag is set.
  const clientId = r.utf8('the client identifier'); // [MQTT-3.1.3-4]
  if (clientId === undefined) return r.failure();
  const packet: ConnectPacket = {
    type: 'connect',
    protocolName,
    protocolLevel,
    cleanSession: (flags & FLAG_CLEAN_SESSION) !== 0,
    keepalive,
    clientId,
  };
  if (willFlag) {
    const will = readWill(r, willQos as QoS, willRetain);
    if (will === undefined) return r.failure();
    packet.will = will;
  }
  if (hasUsername) {
    const username = r.utf8('the user name'); // [MQTT-3.1.3-11]
    if (username === undefined) return r.failure();
    packet.username = username;
  }
  if (hasPassword) {
    const password = r.binary('the password');
    if (password === undefined) return r.failure();
    packet.password = password;
  }
  r.expectEnd('CONNECT');
  return r.error ?? packet;
}

function readWill(r: Reader, qos: QoS, retain: boolean): Will | undefined {
  const topicName = r.utf8('the will topic'); // [MQTT-3.1.3-10]
  if (topicName === undefined) return undefined;
  const problem = validateTopicName(topicName);
  if (problem !== undefined) {
    r.fail(protocolError(`will topic: ${problem}`, /\[(MQTT-[^\]]+)\]/.exec(problem)?.[1]));
    return undefined;
  }
  const payload = r.binary('the will message');
  if (payload === undefined) return undefined;
  return { topicName, payload, qos, retain };
}

/**
 * A protocol level we do not serve: keep what parses so the broker can log who it was, never
 * fail — the only correct answer is CONNACK 0x01 and closing [MQTT-3.1.2-2].
 */
function bestEffortConnect(r: Reader, protocolName: string, protocolLevel: number): ConnectPacket {
  const packet: ConnectPacket = { type: 'connect', protocolName, protocolLevel, cleanSession: true, keepalive: 0, clientId: '' };
  if (r.remaining < 3) return packet;
  const flags = r.u8('the connect flags');
  packet.cleanSession = (flags & FLAG_CLEAN_SESSION) !== 0;
  packet.keepalive = r.u16('the keep alive');
  if (protocolLevel >= 5) skipProperties(r);
  const clientId = r.error ? undefined : r.utf8('the client identifier');
  if (clientId !== undefined) packet.clientId = clientId;
  r.error = undefined;
  return packet;
}

/** MQTT 5 properties: a variable byte integer length, then that many bytes. */
function skipProperties(r: Reader): void {
  let length = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    const b = r.u8('the properties length');
    if (b < 0) return;
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  r.pos = Math.min(r.end, r.pos + length);
}
