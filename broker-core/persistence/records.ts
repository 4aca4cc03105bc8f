/**
 * Plain-data helpers shared by every Persistence implementation: deep copies (records never
 * share references with the caller), shape guards for data read back from disk (a boundary:
 * `unknown` in, typed record or `undefined` out), and the keys that identify a record.
 */

import type { QoS } from '../codec/packets.js';
import type {
  CounterRecord,
  IncomingQos2Record,
  OutboundRecord,
  RetainedRecord,
  SessionRecord,
  SubscriptionRecord,
  WillRecord,
} from './persistence.js';

/** A fresh plain Uint8Array (never a Buffer view into a shared pool). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  out.set(bytes);
  return out;
}

export function copyRetained(r: RetainedRecord): RetainedRecord {
  return { topicName: r.topicName, payload: copyBytes(r.payload), qos: r.qos, storedAt: r.storedAt, publisherId: r.publisherId };
}

export function copySubscription(s: SubscriptionRecord): SubscriptionRecord {
  return { topicFilter: s.topicFilter, qos: s.qos };
}

export function copySession(s: SessionRecord): SessionRecord {
  return { clientId: s.clientId, subscriptions: s.subscriptions.map(copySubscription), createdAt: s.createdAt, lastSeen: s.lastSeen };
}

export function copyOutbound(o: OutboundRecord): OutboundRecord {
  const out: OutboundRecord = {
    clientId: o.clientId,
    seq: o.seq,
    state: o.state,
    topicName: o.topicName,
    payload: copyBytes(o.payload),
    qos: o.qos,
    retain: o.retain,
  };
  if (o.packetId !== undefined) out.packetId = o.packetId;
  return out;
}

export function copyIncomingQos2(r: IncomingQos2Record): IncomingQos2Record {
  return { clientId: r.clientId, packetId: r.packetId };
}

export function copyWill(w: WillRecord): WillRecord {
  return { clientId: w.clientId, topicName: w.topicName, payload: copyBytes(w.payload), qos: w.qos, retain: w.retain };
}

export function copyCounter(c: CounterRecord): CounterRecord {
  return { name: c.name, value: c.value };
}

/** Key of an outbound record: unique per (clientId, seq). NUL cannot occur in an MQTT client id. */
export function outboundKey(clientId: string, seq: number): string {
  return `${clientId}\u0000${seq}`;
}

/** Key of an inbound QoS 2 packet id: unique per (clientId, packetId). */
export function incomingQos2Key(clientId: string, packetId: number): string {
  return `${clientId}\u0000${packetId}`;
}

/** Delivery order for load(): by client id, then by seq. */
export function compareOutbound(a: OutboundRecord, b: OutboundRecord): number {
  if (a.clientId !== b.clientId) return a.clientId < b.clientId ? -1 : 1;
  return a.seq - b.seq;
}

// ---- guards for data read back from disk -------------------------------------------------

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isQoS(v: unknown): v is QoS {
  return v === 0 || v === 1 || v === 2;
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** [MQTT-2.3.1-1] a packet identifier is a non-zero 16-bit integer. */
export function isPacketId(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 0xffff;
}

/** Guards take the record with its payload already decoded to bytes. */
export function isRetainedRecord(v: unknown): v is RetainedRecord {
  return (
    isObj(v) &&
    typeof v.topicName === 'string' &&
    v.topicName.length > 0 &&
    v.payload instanceof Uint8Array &&
    isQoS(v.qos) &&
    isTime(v.storedAt) &&
    typeof v.publisherId === 'string'
  );
}

export function isSubscriptionRecord(v: unknown): v is SubscriptionRecord {
  return isObj(v) && typeof v.topicFilter === 'string' && v.topicFilter.length > 0 && isQoS(v.qos);
}

export function isSessionRecord(v: unknown): v is SessionRecord {
  return (
    isObj(v) &&
    typeof v.clientId === 'string' &&
    Array.isArray(v.subscriptions) &&
    v.subscriptions.every(isSubscriptionRecord) &&
    isTime(v.createdAt) &&
    isTime(v.lastSeen)
  );
}

export function isOutboundRecord(v: unknown): v is OutboundRecord {
  if (!isObj(v)) return false;
  const stateOk = v.state === 'queued' || v.state === 'inflight' || v.state === 'released';
  const packetIdOk = v.packetId === undefined ? v.state === 'queued' : isPacketId(v.packetId);
  return (
    typeof v.clientId === 'string' &&
    Number.isSafeInteger(v.seq) &&
    stateOk &&
    packetIdOk &&
    typeof v.topicName === 'string' &&
    v.payload instanceof Uint8Array &&
    isQoS(v.qos) &&
    typeof v.retain === 'boolean'
  );
}

export function isIncomingQos2Record(v: unknown): v is IncomingQos2Record {
  return isObj(v) && typeof v.clientId === 'string' && isPacketId(v.packetId);
}

export function isWillRecord(v: unknown): v is WillRecord {
  return (
    isObj(v) &&
    typeof v.clientId === 'string' &&
    typeof v.topicName === 'string' &&
    v.topicName.length > 0 &&
    v.payload instanceof Uint8Array &&
    isQoS(v.qos) &&
    typeof v.retain === 'boolean'
  );
}

export function isCounterRecord(v: unknown): v is CounterRecord {
  return isObj(v) && typeof v.name === 'string' && v.name.length > 0 && typeof v.value === 'number' && Number.isFinite(v.value);
}
