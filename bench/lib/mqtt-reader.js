// @ts-check
/**
 * A minimal streaming MQTT 3.1.1 frame splitter for the load generator. It never copies a
 * packet that arrived whole: the handler gets the chunk and the body's bounds and reads only
 * the fields it needs, so the subscriber side can keep up with a broker at full speed.
 * Only a partial packet at the end of a chunk is carried over (bounded by MAX_PACKET).
 */

/** Largest packet the bench ever receives; anything bigger means the stream is corrupt. */
export const MAX_PACKET = 1 << 20;

/**
 * @callback PacketHandler
 * @param {number} type packet type nibble
 * @param {number} flags fixed-header flags nibble
 * @param {Buffer} buf buffer holding the packet
 * @param {number} start first byte of the variable header
 * @param {number} end one past the last byte of the packet
 * @returns {void}
 */

export class PacketReader {
  /** @param {PacketHandler} onPacket */
  constructor(onPacket) {
    /** @type {PacketHandler} */
    this.onPacket = onPacket;
    /** @type {Buffer | null} bytes of an incomplete packet from the previous chunk */
    this.carry = null;
    /** @type {Error | null} set once the stream is unparseable; further input is ignored */
    this.error = null;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    if (this.error) return;
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    const len = buf.length;
    let pos = 0;
    while (pos < len) {
      if (len - pos < 2) break;
      const first = buf[pos] ?? 0;
      // Remaining Length: up to 4 bytes, 7 bits each (§2.2.3).
      let remaining = 0;
      let multiplier = 1;
      let i = pos + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < len; n += 1) {
        const b = buf[i] ?? 0;
        i += 1;
        remaining += (b & 0x7f) * multiplier;
        multiplier *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
        if (n === 3) {
          this.error = new Error('malformed remaining length');
          return;
        }
      }
      if (!complete) break;
      if (remaining > MAX_PACKET) {
        this.error = new Error(`packet of ${remaining} bytes exceeds the bench limit`);
        return;
      }
      const end = i + remaining;
      if (end > len) break;
      this.onPacket(first >> 4, first & 0x0f, buf, i, end);
      pos = end;
    }
    if (pos < len) this.carry = buf.subarray(pos);
  }
}

/**
 * Parses the fields of a PUBLISH body the bench needs.
 * @param {number} flags @param {Buffer} buf @param {number} start @param {number} end
 * @returns {{ qos: number, retain: boolean, dup: boolean, topicStart: number, topicEnd: number, packetId: number, payloadStart: number, payloadEnd: number }}
 */
export function parsePublish(flags, buf, start, end) {
  const topicLength = buf.readUInt16BE(start);
  const topicStart = start + 2;
  const topicEnd = topicStart + topicLength;
  const qos = (flags >> 1) & 0x03;
  const packetId = qos > 0 ? buf.readUInt16BE(topicEnd) : 0;
  return {
    qos,
    retain: (flags & 0x01) === 1,
    dup: (flags & 0x08) !== 0,
    topicStart,
    topicEnd,
    packetId,
    payloadStart: qos > 0 ? topicEnd + 2 : topicEnd,
    payloadEnd: end,
  };
}
