/**
 * Packet → bytes. Every packet is written into one Buffer.allocUnsafe of its exact wire size
 * (sizes are computed first, then each field is written once).
 *
 * The encoder trusts its input's types but checks what the types cannot express (string and
 * packet sizes, packet id presence) and throws a RangeError on violation: encoding is only ever
 * asked for by our own code, so a bad value is a programming error, not hostile input.
 */

import type { ConnectPacket, Packet, QoS, SubackPacket, SubscribePacket, UnsubscribePacket } from './packets.js';

/** [MQTT-2.2.3] the largest remaining length four varint bytes can carry. */
export const MAX_REMAINING_LENGTH = 268_435_455;
const MAX_STRING_BYTES = 65535;

function varintSize(n: number): number {
  if (n < 128) return 1;
  if (n < 16_384) return 2;
  if (n < 2_097_152) return 3;
  if (n <= MAX_REMAINING_LENGTH) return 4;
  throw new RangeError(`remaining length ${n} exceeds ${MAX_REMAINING_LENGTH} [MQTT-2.2.3]`);
}

/** Allocates the packet and writes its fixed header; returns the buffer (write position = header size). */
function allocate(firstByte: number, remainingLength: number): { buf: Buffer; pos: number } {
  const headerSize = 1 + varintSize(remainingLength);
  const buf = Buffer.allocUnsafe(headerSize + remainingLength);
  buf[0] = firstByte;
  let pos = 1;
  let n = remainingLength;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    buf[pos++] = b;
  } while (n > 0);
  return { buf, pos };
}

/** Short ASCII strings are measured and copied by a plain loop: cheaper than the native calls. */
const SHORT_STRING = 64;

function isShortAscii(s: string): boolean {
  if (s.length > SHORT_STRING) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

function stringBytes(s: string, what: string): number {
  if (isShortAscii(s)) return s.length;
  const n = Buffer.byteLength(s, 'utf8');
  if (n > MAX_STRING_BYTES) throw new RangeError(`${what} encodes to ${n} bytes, more than 65535 [MQTT-1.5.3]`);
  return n;
}

function binaryBytes(b: Uint8Array, what: string): number {
  if (b.length > MAX_STRING_BYTES) throw new RangeError(`${what} is ${b.length} bytes, more than 65535 [MQTT-3.1.3]`);
  return b.length;
}

function writeString(buf: Buffer, pos: number, s: string, byteLength: number): number {
  buf[pos] = byteLength >> 8;
  buf[pos + 1] = byteLength & 0xff;
  const start = pos + 2;
  if (byteLength === s.length && byteLength <= SHORT_STRING) {
    // byte length equal to UTF-16 length means every unit is ASCII
    for (let i = 0; i < byteLength; i++) buf[start + i] = s.charCodeAt(i);
  } else {
    buf.write(s, start, byteLength, 'utf8');
  }
  return start + byteLength;
}

function writeBinary(buf: Buffer, pos: number, b: Uint8Array): number {
  buf[pos] = b.length >> 8;
  buf[pos + 1] = b.length & 0xff;
  buf.set(b, pos + 2);
  return pos + 2 + b.length;
}

function checkPacketId(packetId: number | undefined, what: string): number {
  if (packetId === undefined || !Number.isInteger(packetId) || packetId < 1 || packetId > 0xffff) {
    throw new RangeError(`${what} needs a packet identifier 1..65535 [MQTT-2.3.1-1], got ${String(packetId)}`);
  }
  return packetId;
}

/**
 * Fast path for routing: one PUBLISH encoding reused for many receivers.
 * For QoS > 0 without a packetId a placeholder 0 is written: patch it with withPacketId before
 * sending. DUP is only written for QoS > 0 [MQTT-3.3.1-2].
 */
export function encodePublish(topicName: string, payload: Uint8Array, qos: QoS, retain: boolean, dup: boolean, packetId?: number): Buffer {
  const topicLength = stringBytes(topicName, 'topic name');
  const remainingLength = 2 + topicLength + (qos > 0 ? 2 : 0) + payload.length;
  const firstByte = 0x30 | (dup && qos > 0 ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0);
  const { buf, pos: start } = allocate(firstByte, remainingLength);
  let pos = writeString(buf, start, topicName, topicLength);
  if (qos > 0) {
    const id = packetId === undefined ? 0 : checkPacketId(packetId, 'PUBLISH');
    buf[pos] = id >> 8;
    buf[pos + 1] = id & 0xff;
    pos += 2;
  }
  buf.set(payload, pos);
  return buf;
}

/**
 * Returns a copy of an encoded QoS>0 PUBLISH with the packet id (and, when given, DUP) patched —
 * a cheap per-subscriber variant of one encodePublish result. The original is not modified.
 */
export function withPacketId(encoded: Buffer, packetId: number, dup?: boolean): Buffer {
  const copy = Buffer.allocUnsafe(encoded.length);
  writeWithPacketId(encoded, packetId, copy, 0, dup);
  return copy;
}

/**
 * Writes a copy of an encoded QoS>0 PUBLISH with the packet id (and, when given, DUP) patched into
 * `target` at `offset`; returns the offset after it. Lets a sender put many PUBLISHes into one
 * buffer (one allocation, one copy) instead of one buffer each and a concatenation.
 */
export function writeWithPacketId(encoded: Buffer, packetId: number, target: Buffer, offset: number, dup?: boolean): number {
  const first = encoded[0] ?? 0;
  if (first >> 4 !== 3 || ((first >> 1) & 3) === 0) throw new RangeError('withPacketId needs an encoded QoS 1 or 2 PUBLISH');
  checkPacketId(packetId, 'PUBLISH');
  let pos = 1;
  while (((encoded[pos] ?? 0) & 0x80) !== 0) pos++;
  pos++;
  const topicLength = ((encoded[pos] ?? 0) << 8) | (encoded[pos + 1] ?? 0);
  const idPos = pos + 2 + topicLength;
  if (idPos + 2 > encoded.length) throw new RangeError('withPacketId: truncated PUBLISH');
  if (offset + encoded.length > target.length) throw new RangeError('writeWithPacketId: target too small');
  target.set(encoded, offset);
  if (dup !== undefined) target[offset] = dup ? first | 0x08 : first & ~0x08;
  target[offset + idPos] = packetId >> 8;
  target[offset + idPos + 1] = packetId & 0xff;
  return offset + encoded.length;
}

function encodeConnect(p: ConnectPacket): Buffer {
  const nameLength = stringBytes(p.protocolName, 'protocol name');
  const clientIdLength = stringBytes(p.clientId, 'client identifier');
  let remainingLength = 2 + nameLength + 1 + 1 + 2 + 2 + clientIdLength;
  let flags = p.cleanSession ? 0x02 : 0;
  let willTopicLength = 0;
  if (p.will !== undefined) {
    willTopicLength = stringBytes(p.will.topicName, 'will topic');
    remainingLength += 2 + willTopicLength + 2 + binaryBytes(p.will.payload, 'will message');
    flags |= 0x04 | (p.will.qos << 3) | (p.will.retain ? 0x20 : 0);
  }
  let usernameLength = 0;
  if (p.username !== undefined) {
    usernameLength = stringBytes(p.username, 'user name');
    remainingLength += 2 + usernameLength;
    flags |= 0x80;
  }
  if (p.password !== undefined) {
    // [MQTT-3.1.2-22] a password needs a user name.
    if (p.username === undefined) throw new RangeError('CONNECT with a password but no user name [MQTT-3.1.2-22]');
    remainingLength += 2 + binaryBytes(p.password, 'password');
    flags |= 0x40;
  }
  const { buf, pos: start } = allocate(0x10, remainingLength);
  let pos = writeString(buf, start, p.protocolName, nameLength);
  buf[pos++] = p.protocolLevel;
  buf[pos++] = flags;
  buf.writeUInt16BE(p.keepalive, pos);
  pos = writeString(buf, pos + 2, p.clientId, clientIdLength);
  if (p.will !== undefined) {
    pos = writeString(buf, pos, p.will.topicName, willTopicLength);
    pos = writeBinary(buf, pos, p.will.payload);
  }
  if (p.username !== undefined) pos = writeString(buf, pos, p.username, usernameLength);
  if (p.password !== undefined) writeBinary(buf, pos, p.password);
  return buf;
}

function encodeSubscribe(p: SubscribePacket): Buffer {
  const lengths = p.subscriptions.map((s) => stringBytes(s.topicFilter, 'topic filter'));
  const remainingLength = 2 + lengths.reduce((sum, n) => sum + 2 + n + 1, 0);
  const { buf, pos: start } = allocate(0x82, remainingLength);
  buf.writeUInt16BE(checkPacketId(p.packetId, 'SUBSCRIBE'), start);
  let pos = start + 2;
  p.subscriptions.forEach((s, i) => {
    pos = writeString(buf, pos, s.topicFilter, lengths[i] as number);
    buf[pos++] = s.qos;
  });
  return buf;
}

function encodeUnsubscribe(p: UnsubscribePacket): Buffer {
  const lengths = p.topicFilters.map((f) => stringBytes(f, 'topic filter'));
  const remainingLength = 2 + lengths.reduce((sum, n) => sum + 2 + n, 0);
  const { buf, pos: start } = allocate(0xa2, remainingLength);
  buf.writeUInt16BE(checkPacketId(p.packetId, 'UNSUBSCRIBE'), start);
  let pos = start + 2;
  p.topicFilters.forEach((f, i) => {
    pos = writeString(buf, pos, f, lengths[i] as number);
  });
  return buf;
}

function encodeSuback(p: SubackPacket): Buffer {
  const { buf, pos } = allocate(0x90, 2 + p.returnCodes.length);
  buf.writeUInt16BE(checkPacketId(p.packetId, 'SUBACK'), pos);
  for (let i = 0; i < p.returnCodes.length; i++) buf[pos + 2 + i] = p.returnCodes[i] as number;
  return buf;
}

function encodeIdOnly(firstByte: number, packetId: number, what: string): Buffer {
  const id = checkPacketId(packetId, what);
  const buf = Buffer.allocUnsafe(4);
  buf[0] = firstByte;
  buf[1] = 2;
  buf[2] = id >> 8;
  buf[3] = id & 0xff;
  return buf;
}

function encodeEmpty(firstByte: number): Buffer {
  const buf = Buffer.allocUnsafe(2);
  buf[0] = firstByte;
  buf[1] = 0;
  return buf;
}

/** Encodes any of the 14 MQTT 3.1.1 control packets. */
export function encodePacket(packet: Packet): Buffer {
  switch (packet.type) {
    case 'publish':
      if (packet.qos > 0) checkPacketId(packet.packetId, 'PUBLISH');
      return encodePublish(packet.topicName, packet.payload, packet.qos, packet.retain, packet.dup, packet.packetId);
    case 'connect':
      return encodeConnect(packet);
    case 'connack': {
      const buf = Buffer.allocUnsafe(4);
      buf[0] = 0x20;
      buf[1] = 2;
      buf[2] = packet.sessionPresent ? 1 : 0;
      buf[3] = packet.returnCode;
      return buf;
    }
    case 'puback': return encodeIdOnly(0x40, packet.packetId, 'PUBACK');
    case 'pubrec': return encodeIdOnly(0x50, packet.packetId, 'PUBREC');
    // [MQTT-3.6.1-1] PUBREL fixed-header flags are 0b0010.
    case 'pubrel': return encodeIdOnly(0x62, packet.packetId, 'PUBREL');
    case 'pubcomp': return encodeIdOnly(0x70, packet.packetId, 'PUBCOMP');
    // [MQTT-3.8.1-1] SUBSCRIBE fixed-header flags are 0b0010.
    case 'subscribe': return encodeSubscribe(packet);
    case 'suback': return encodeSuback(packet);
    // [MQTT-3.10.1-1] UNSUBSCRIBE fixed-header flags are 0b0010.
    case 'unsubscribe': return encodeUnsubscribe(packet);
    case 'unsuback': return encodeIdOnly(0xb0, packet.packetId, 'UNSUBACK');
    case 'pingreq': return encodeEmpty(0xc0);
    case 'pingresp': return encodeEmpty(0xd0);
    case 'disconnect': return encodeEmpty(0xe0);
  }
}
