// @ts-check
/**
 * A tiny MQTT 3.1.1 encoder for the load generator. Deliberately independent of broker-core's
 * codec: the bench must measure any broker, ours included, without trusting our own code.
 * Only what the scenarios send is here; every packet is built once and copied/patched after.
 */

/** Packet type nibbles (MQTT 3.1.1 §2.2.1). */
export const TYPE = Object.freeze({
  CONNECT: 1, CONNACK: 2, PUBLISH: 3, PUBACK: 4, PUBREC: 5, PUBREL: 6, PUBCOMP: 7,
  SUBSCRIBE: 8, SUBACK: 9, UNSUBSCRIBE: 10, UNSUBACK: 11, PINGREQ: 12, PINGRESP: 13, DISCONNECT: 14,
});

/** @param {number} n @returns {number[]} the Remaining Length varint (§2.2.3) */
export function remainingLengthBytes(n) {
  if (n < 0 || n > 268_435_455) throw new RangeError(`remaining length ${n} out of range`);
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** @param {number} firstByte @param {Buffer} body */
function frame(firstByte, body) {
  return Buffer.concat([Buffer.from([firstByte, ...remainingLengthBytes(body.length)]), body]);
}

/** @param {string} s */
function utf8Field(s) {
  const bytes = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

/**
 * @param {{ clientId: string, cleanSession?: boolean, keepalive?: number }} o
 * @returns {Buffer} CONNECT, protocol level 4 (§3.1)
 */
export function connect({ clientId, cleanSession = true, keepalive = 300 }) {
  const header = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, cleanSession ? 0x02 : 0x00, keepalive >> 8, keepalive & 0xff]);
  return frame(TYPE.CONNECT << 4, Buffer.concat([header, utf8Field(clientId)]));
}

/**
 * @param {number} packetId
 * @param {{ topicFilter: string, qos: 0 | 1 | 2 }[]} subscriptions
 * @returns {Buffer} SUBSCRIBE; the fixed header flags must be 0b0010 (§3.8.1)
 */
export function subscribe(packetId, subscriptions) {
  const parts = [Buffer.from([packetId >> 8, packetId & 0xff])];
  for (const s of subscriptions) parts.push(utf8Field(s.topicFilter), Buffer.from([s.qos]));
  return frame((TYPE.SUBSCRIBE << 4) | 0x02, Buffer.concat(parts));
}

/**
 * @typedef {object} PublishTemplate
 * @property {Buffer} packet one encoded PUBLISH
 * @property {number} packetIdOffset offset of the 2-byte packet id, or -1 at QoS 0
 * @property {number} payloadOffset offset of the payload's first byte
 */

/**
 * @param {{ topicName: string, payload: Buffer, qos?: 0 | 1 | 2, retain?: boolean, packetId?: number }} o
 * @returns {PublishTemplate}
 */
export function publishTemplate({ topicName, payload, qos = 0, retain = false, packetId = 1 }) {
  const topic = utf8Field(topicName);
  const idBytes = qos > 0 ? Buffer.from([packetId >> 8, packetId & 0xff]) : Buffer.alloc(0);
  const body = Buffer.concat([topic, idBytes, payload]);
  const packet = frame((TYPE.PUBLISH << 4) | (qos << 1) | (retain ? 1 : 0), body);
  const headerLength = packet.length - body.length;
  return {
    packet,
    packetIdOffset: qos > 0 ? headerLength + topic.length : -1,
    payloadOffset: headerLength + topic.length + idBytes.length,
  };
}

/** @param {{ topicName: string, payload: Buffer, qos?: 0 | 1 | 2, retain?: boolean, packetId?: number }} o */
export function publish(o) {
  return publishTemplate(o).packet;
}

/** @param {number} type @param {number} flags @param {number} packetId */
function ackPacket(type, flags, packetId) {
  return Buffer.from([(type << 4) | flags, 2, packetId >> 8, packetId & 0xff]);
}

/** @param {number} id */ export const puback = (id) => ackPacket(TYPE.PUBACK, 0, id);
/** @param {number} id */ export const pubrec = (id) => ackPacket(TYPE.PUBREC, 0, id);
/** PUBREL's fixed header flags are 0b0010 (§3.6.1). @param {number} id */
export const pubrel = (id) => ackPacket(TYPE.PUBREL, 0x02, id);
/** @param {number} id */ export const pubcomp = (id) => ackPacket(TYPE.PUBCOMP, 0, id);

export const DISCONNECT = Buffer.from([TYPE.DISCONNECT << 4, 0]);
export const PINGREQ = Buffer.from([TYPE.PINGREQ << 4, 0]);

/**
 * Writes a 4-byte ack (PUBACK/PUBREC/PUBREL/PUBCOMP) into `buf` at `offset`, so a reader can
 * answer a whole chunk of deliveries with a single socket write.
 * @param {Buffer} buf @param {number} offset @param {number} type @param {number} packetId
 */
export function writeAck(buf, offset, type, packetId) {
  buf[offset] = (type << 4) | (type === TYPE.PUBREL ? 0x02 : 0);
  buf[offset + 1] = 2;
  buf[offset + 2] = packetId >> 8;
  buf[offset + 3] = packetId & 0xff;
}
