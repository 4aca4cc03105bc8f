/**
 * How each record kind of the persistence port is stored in its own nedb file: the file name,
 * the key that identifies a record (a put replaces the record with the same key), the owning
 * session (for deleteSession's cascade) and the document codec. Payloads are base64 strings
 * because an nedb file is JSON lines. Decoding is a disk boundary: `unknown` in, a record that
 * passed its shape guard (or `undefined`) out.
 */

import { persistenceRecords as records } from '../../broker-core/index.js';
import type {
  CounterRecord,
  IncomingQos2Record,
  OutboundRecord,
  RetainedRecord,
  SessionRecord,
  WillRecord,
} from '../../broker-core/index.js';

/** A stored document without nedb's `_id`. */
export type DocBody = Record<string, unknown>;

export interface RecordKind<R> {
  /** logical store name, also the file name under the data directory */
  readonly file: string;
  /** what identifies a record within its owner (a put replaces the record with the same key) */
  key(record: R): string | number;
  /** client id whose session owns the record (outbound, incoming QoS 2); '' for kinds without owners */
  owner?(record: R): string;
  encode(record: R): DocBody;
  decode(doc: DocBody): R | undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Small payloads are decoded into views of shared 64 KiB slabs: a Uint8Array of its own costs an
 * ArrayBuffer and a separately allocated backing store each (~300 bytes and an allocation for a
 * 64-byte payload; 100,000 retained messages are loaded at startup). A slab lives as long as any
 * payload in it, so replacing most messages loaded from one slab keeps at most the slab: bounded
 * by the size of what was loaded. Views never overlap, and every user of `.buffer` in this code
 * base goes through byteOffset/byteLength.
 */
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_PAYLOAD = 1024;
let slab: ArrayBuffer | undefined;
let slabUsed = 0;

function payloadBytes(length: number): Uint8Array {
  if (length === 0 || length > SLAB_MAX_PAYLOAD) return new Uint8Array(length);
  if (slab === undefined || slabUsed + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const view = new Uint8Array(slab, slabUsed, length);
  slabUsed += length;
  return view;
}

function decodePayload(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  // decode straight into a plain Uint8Array of the exact size (no pooled Buffer, no second copy)
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const out = payloadBytes((value.length / 4) * 3 - padding);
  Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(value, 'base64');
  return out;
}

function encodePayload(payload: Uint8Array): string {
  return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64');
}

/**
 * Builds the candidate record in one step from the document's fields (typed `unknown`; one
 * allocation per record matters when 100,000 are loaded), then lets the shared guard decide.
 * Fields not in the port's shape are never copied, so nothing of nedb's document is shared.
 */
function decoder<R>(build: (doc: DocBody) => unknown, guard: (v: unknown) => v is R): (doc: DocBody) => R | undefined {
  return (doc) => {
    const candidate = build(doc);
    return guard(candidate) ? candidate : undefined;
  };
}

/** The payload decoded, or a value no guard accepts. */
function payloadOf(doc: DocBody): Uint8Array | null {
  return decodePayload(doc.payload) ?? null;
}

function subscriptionsOf(doc: DocBody): unknown {
  const subs = doc.subscriptions;
  if (!Array.isArray(subs)) return subs;
  return subs.map((s: unknown) => (typeof s === 'object' && s !== null ? { topicFilter: (s as DocBody).topicFilter, qos: (s as DocBody).qos } : s));
}

export const retainedKind: RecordKind<RetainedRecord> = {
  file: 'retained.db',
  key: (r) => r.topicName,
  encode: (r) => ({ topicName: r.topicName, payload: encodePayload(r.payload), qos: r.qos, storedAt: r.storedAt, publisherId: r.publisherId }),
  decode: decoder((d) => ({ topicName: d.topicName, payload: payloadOf(d), qos: d.qos, storedAt: d.storedAt, publisherId: d.publisherId }), records.isRetainedRecord),
};

export const sessionKind: RecordKind<SessionRecord> = {
  file: 'sessions.db',
  key: (s) => s.clientId,
  encode: (s) => ({ ...records.copySession(s) }),
  decode: decoder((d) => ({ clientId: d.clientId, subscriptions: subscriptionsOf(d), createdAt: d.createdAt, lastSeen: d.lastSeen }), records.isSessionRecord),
};

export const outboundKind: RecordKind<OutboundRecord> = {
  file: 'outbound.db',
  key: (o) => o.seq,
  owner: (o) => o.clientId,
  encode: (o) => {
    const doc: DocBody = { clientId: o.clientId, seq: o.seq, state: o.state, topicName: o.topicName, payload: encodePayload(o.payload), qos: o.qos, retain: o.retain };
    if (o.packetId !== undefined) doc.packetId = o.packetId;
    return doc;
  },
  decode: decoder((d) => {
    const o: DocBody = { clientId: d.clientId, seq: d.seq, state: d.state, topicName: d.topicName, payload: payloadOf(d), qos: d.qos, retain: d.retain };
    if (d.packetId !== undefined) o.packetId = d.packetId;
    return o;
  }, records.isOutboundRecord),
};

export const incomingQos2Kind: RecordKind<IncomingQos2Record> = {
  file: 'incoming-qos2.db',
  key: (r) => r.packetId,
  owner: (r) => r.clientId,
  encode: (r) => ({ clientId: r.clientId, packetId: r.packetId }),
  decode: decoder((d) => ({ clientId: d.clientId, packetId: d.packetId }), records.isIncomingQos2Record),
};

export const willKind: RecordKind<WillRecord> = {
  file: 'wills.db',
  key: (w) => w.clientId,
  encode: (w) => ({ clientId: w.clientId, topicName: w.topicName, payload: encodePayload(w.payload), qos: w.qos, retain: w.retain }),
  decode: decoder((d) => ({ clientId: d.clientId, topicName: d.topicName, payload: payloadOf(d), qos: d.qos, retain: d.retain }), records.isWillRecord),
};

export const counterKind: RecordKind<CounterRecord> = {
  file: 'counters.db',
  key: (c) => c.name,
  encode: (c) => ({ name: c.name, value: c.value }),
  decode: decoder((d) => ({ name: d.name, value: d.value }), records.isCounterRecord),
};
