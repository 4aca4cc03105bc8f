/**
 * Byte builders for the conformance rows, written straight from the MQTT 3.1.1 packet layouts
 * (section 3) and deliberately independent of broker-core's encoder, so that a row is an oracle
 * for the broker and not a mirror of its codec. Every builder returns the exact wire bytes.
 *
 *   connect({ clientId: 'c1', cleanSession: false })   → 10 0e 00 04 4d 51 54 54 04 00 …
 *   publish({ topic: 'a/b', payload: 'x', qos: 1, id: 1 }) → 32 08 00 03 61 2f 62 00 01 78
 */

export type Bytes = Buffer;
type Data = string | Uint8Array;

const asBytes = (d: Data): Buffer => (typeof d === 'string' ? Buffer.from(d, 'utf8') : Buffer.from(d));

/** [MQTT-1.5.3] two-byte big-endian length, then the bytes (UTF-8 for a string). */
export function lengthPrefixed(d: Data): Buffer {
  const body = asBytes(d);
  return Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
}

/** [MQTT-2.2.3] the remaining length as 1–4 bytes of 7 bits, continuation in bit 7. */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** A whole control packet: first byte, remaining length, then the parts. */
export function packet(firstByte: number, ...parts: Data[]): Buffer {
  const body = Buffer.concat(parts.map(asBytes));
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);
}

const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);

/** Raw bytes from hex digits (whitespace ignored), for hand-written rows. */
export function hex(digits: string): Buffer {
  const clean = digits.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`bad hex ${JSON.stringify(digits)}`);
  return Buffer.from(clean, 'hex');
}

export interface ConnectFields {
  clientId: Data;
  cleanSession?: boolean;
  keepalive?: number;
  will?: { topic: Data; payload: Data; qos?: number; retain?: boolean };
  username?: Data;
  password?: Data;
  /** "MQTT" level 4 unless given ("MQIsdp" level 3 for MQTT 3.1) */
  protocolName?: string;
  protocolLevel?: number;
}

/** CONNECT [MQTT-3.1]: variable header (protocol name, level, flags, keep alive) and payload. */
export function connect(f: ConnectFields): Buffer {
  let flags = f.cleanSession === false ? 0 : 0x02;
  const payload: Buffer[] = [lengthPrefixed(f.clientId)];
  if (f.will !== undefined) {
    flags |= 0x04 | ((f.will.qos ?? 0) << 3) | (f.will.retain === true ? 0x20 : 0);
    payload.push(lengthPrefixed(f.will.topic), lengthPrefixed(f.will.payload));
  }
  if (f.username !== undefined) {
    flags |= 0x80;
    payload.push(lengthPrefixed(f.username));
  }
  if (f.password !== undefined) {
    flags |= 0x40;
    payload.push(lengthPrefixed(f.password));
  }
  return packet(
    0x10,
    lengthPrefixed(f.protocolName ?? 'MQTT'),
    Buffer.from([f.protocolLevel ?? 4, flags]),
    u16(f.keepalive ?? 60),
    ...payload,
  );
}

/** CONNACK [MQTT-3.2]: acknowledge flags (bit 0 = session present) and return code. */
export const connack = (sessionPresent: boolean, returnCode = 0): Buffer => Buffer.from([0x20, 0x02, sessionPresent ? 1 : 0, returnCode]);

export interface PublishFields {
  topic: Data;
  payload?: Data;
  qos?: 0 | 1 | 2;
  retain?: boolean;
  dup?: boolean;
  /** packet identifier, written iff qos > 0 */
  id?: number;
}

/** PUBLISH [MQTT-3.3]: flags DUP (bit 3), QoS (bits 2-1), RETAIN (bit 0). */
export function publish(f: PublishFields): Buffer {
  const qos = f.qos ?? 0;
  const first = 0x30 | (f.dup === true ? 0x08 : 0) | (qos << 1) | (f.retain === true ? 1 : 0);
  const parts: Data[] = [lengthPrefixed(f.topic)];
  if (qos > 0) parts.push(u16(f.id ?? 1));
  parts.push(asBytes(f.payload ?? ''));
  return packet(first, ...parts);
}

export const puback = (id: number): Buffer => packet(0x40, u16(id));
export const pubrec = (id: number): Buffer => packet(0x50, u16(id));
/** [MQTT-3.6.1-1] PUBREL carries the fixed-header flags 0b0010. */
export const pubrel = (id: number): Buffer => packet(0x62, u16(id));
export const pubcomp = (id: number): Buffer => packet(0x70, u16(id));

/** SUBSCRIBE [MQTT-3.8] (flags 0b0010 [MQTT-3.8.1-1]): packet id, then filter + requested QoS pairs. */
export function subscribe(id: number, filters: [Data, number][]): Buffer {
  return packet(0x82, u16(id), ...filters.flatMap(([f, q]) => [lengthPrefixed(f), Buffer.from([q])]));
}

export const suback = (id: number, ...codes: number[]): Buffer => packet(0x90, u16(id), Buffer.from(codes));

/** UNSUBSCRIBE [MQTT-3.10] (flags 0b0010 [MQTT-3.10.1-1]). */
export function unsubscribe(id: number, filters: Data[]): Buffer {
  return packet(0xa2, u16(id), ...filters.map(lengthPrefixed));
}

export const unsuback = (id: number): Buffer => packet(0xb0, u16(id));

export const PINGREQ = hex('c0 00');
export const PINGRESP = hex('d0 00');
export const DISCONNECT = hex('e0 00');
