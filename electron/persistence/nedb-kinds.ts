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
  key(record: R): string;
  /** client id whose session owns the record (outbound, incoming QoS 2) */
  owner?(record: R): string;
  encode(record: R): DocBody;
  decode(doc: DocBody): R | undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodePayload(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) return undefined;
  return records.copyBytes(Buffer.from(value, 'base64'));
}

function encodePayload(payload: Uint8Array): string {
  return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64');
}

/** Copies the document's fields except nedb's `_id`, with the payload decoded when present. */
function withBytes(doc: DocBody): DocBody | undefined {
  const out: DocBody = {};
  for (const [field, value] of Object.entries(doc)) if (field !== '_id') out[field] = value;
  if ('payload' in doc) {
    const payload = decodePayload(doc.payload);
    if (!payload) return undefined;
    out.payload = payload;
  }
  return out;
}

function guarded<R>(guard: (v: unknown) => v is R, copy: (r: R) => R): (doc: DocBody) => R | undefined {
  return (doc) => {
    const body = withBytes(doc);
    // copy() after the guard drops any unknown extra fields: records out are exactly the port's shape
    return body !== undefined && guard(body) ? copy(body) : undefined;
  };
}

export const retainedKind: RecordKind<RetainedRecord> = {
  file: 'retained.db',
  key: (r) => r.topicName,
  encode: (r) => ({ topicName: r.topicName, payload: encodePayload(r.payload), qos: r.qos, storedAt: r.storedAt, publisherId: r.publisherId }),
  decode: guarded(records.isRetainedRecord, records.copyRetained),
};

export const sessionKind: RecordKind<SessionRecord> = {
  file: 'sessions.db',
  key: (s) => s.clientId,
  encode: (s) => ({ ...records.copySession(s) }),
  decode: guarded(records.isSessionRecord, records.copySession),
};

export const outboundKind: RecordKind<OutboundRecord> = {
  file: 'outbound.db',
  key: (o) => records.outboundKey(o.clientId, o.seq),
  owner: (o) => o.clientId,
  encode: (o) => {
    const doc: DocBody = { clientId: o.clientId, seq: o.seq, state: o.state, topicName: o.topicName, payload: encodePayload(o.payload), qos: o.qos, retain: o.retain };
    if (o.packetId !== undefined) doc.packetId = o.packetId;
    return doc;
  },
  decode: guarded(records.isOutboundRecord, records.copyOutbound),
};

export const incomingQos2Kind: RecordKind<IncomingQos2Record> = {
  file: 'incoming-qos2.db',
  key: (r) => records.incomingQos2Key(r.clientId, r.packetId),
  owner: (r) => r.clientId,
  encode: (r) => ({ clientId: r.clientId, packetId: r.packetId }),
  decode: guarded(records.isIncomingQos2Record, records.copyIncomingQos2),
};

export const willKind: RecordKind<WillRecord> = {
  file: 'wills.db',
  key: (w) => w.clientId,
  encode: (w) => ({ clientId: w.clientId, topicName: w.topicName, payload: encodePayload(w.payload), qos: w.qos, retain: w.retain }),
  decode: guarded(records.isWillRecord, records.copyWill),
};

export const counterKind: RecordKind<CounterRecord> = {
  file: 'counters.db',
  key: (c) => c.name,
  encode: (c) => ({ name: c.name, value: c.value }),
  decode: guarded(records.isCounterRecord, records.copyCounter),
};
