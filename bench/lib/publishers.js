// @ts-check
/**
 * Publishers for the load generator. Packets are encoded once as a template; a batch is the
 * template copied N times with the sequence number (and packet id) patched in, written with
 * one socket.write. A batch buffer is never reused: the socket may still hold it.
 */
import { TYPE, publishTemplate } from './mqtt-encode.js';
import { blankPayload, PUB_ID, SEQ } from './payload.js';

/**
 * @typedef {import('./mqtt-encode.js').PublishTemplate} PublishTemplate
 * @typedef {import('./client.js').RawClient} RawClient
 * @typedef {import('./seq-ledger.js').SeqLedger} SeqLedger
 */

/**
 * @param {{ topicName: string, payloadSize: number, qos?: 0 | 1 | 2, retain?: boolean }} o
 * @returns {PublishTemplate}
 */
export function makeTemplate({ topicName, payloadSize, qos = 0, retain = false }) {
  return publishTemplate({ topicName, payload: blankPayload(payloadSize), qos, retain });
}

/**
 * QoS 0 at saturation: writes batches as fast as the end-to-end credit allows (see credit.js),
 * waits for 'drain' when the broker stops reading, and yields to the event loop between bursts
 * so subscribers in the same process keep receiving.
 */
export class Flooder {
  /**
   * @param {RawClient} client @param {PublishTemplate} tpl @param {number} pubId @param {number} batch packets per write
   * @param {import('./credit.js').Credit} credit @param {number} deliveriesPerMessage subscribers reached by one message
   */
  constructor(client, tpl, pubId, batch, credit, deliveriesPerMessage) {
    this.client = client;
    this.credit = credit;
    this.cost = batch * deliveriesPerMessage;
    this.resume = () => this.pump();
    this.tpl = tpl;
    this.pubId = pubId;
    this.batch = batch;
    this.sent = 0;
    this.running = false;
    this.waitingDrain = false;
    this.batchTemplate = Buffer.concat(Array.from({ length: batch }, () => tpl.packet));
    for (let k = 0; k < batch; k += 1) this.batchTemplate.writeUInt32BE(pubId, k * tpl.packet.length + tpl.payloadOffset + PUB_ID);
    this.onDrain = () => {
      this.waitingDrain = false;
      this.pump();
    };
  }

  start() {
    this.running = true;
    this.client.socket.on('drain', this.onDrain);
    this.pump();
  }

  stop() {
    this.running = false;
    this.client.socket.off('drain', this.onDrain);
  }

  pump() {
    const socket = this.client.socket;
    const len = this.tpl.packet.length;
    const seqAt = this.tpl.payloadOffset + SEQ;
    for (let burst = 0; burst < 4; burst += 1) {
      if (!this.running || this.waitingDrain || socket.destroyed) return;
      if (!this.credit.tryTake(this.cost)) {
        this.credit.wait(this.resume);
        return;
      }
      const buf = Buffer.from(this.batchTemplate);
      for (let k = 0; k < this.batch; k += 1) buf.writeUInt32BE(this.sent + k, k * len + seqAt);
      this.sent += this.batch;
      if (!socket.write(buf)) {
        this.waitingDrain = true;
        return;
      }
    }
    setImmediate(() => this.pump());
  }
}

/**
 * QoS 1 or 2 with a window: at most `window` messages between PUBLISH and the final ack
 * (PUBACK, or PUBCOMP for QoS 2). "Acknowledged" — the broker owns the message — is PUBACK at
 * QoS 1 and PUBREC at QoS 2 [MQTT-4.3.3-2]; those are marked in the ledger for the loss check.
 * Packet ids are seq mod 65535 + 1: unique while in flight because window < 65535.
 */
export class WindowedPublisher {
  /**
   * @param {RawClient} client
   * @param {object} o
   * @param {PublishTemplate} o.tpl
   * @param {1 | 2} o.qos
   * @param {number} o.pubId
   * @param {number} o.window
   * @param {SeqLedger} o.ledger
   * @param {number} [o.limit] stop after this many messages (default: until stop())
   * @param {(buf: Buffer, packetOffset: number, seq: number) => void} [o.patch] per-message edits (e.g. topic digits)
   * @param {import('./credit.js').Credit} [o.credit] end-to-end bound shared by all publishers
   */
  constructor(client, o) {
    this.client = client;
    this.o = o;
    this.sent = 0;
    this.completed = 0;
    this.inflight = 0;
    this.running = false;
    /** sequence number by packet id, -1 when free */
    this.seqById = new Int32Array(65536).fill(-1);
    this.protocolErrors = 0;
    client.onAck = (type, packetId) => this.handleAck(type, packetId);
    client.onChunkEnd = () => this.fill();
    this.waitingCredit = false;
    this.resume = () => {
      this.waitingCredit = false;
      this.fill();
    };
  }

  start() {
    this.running = true;
    this.fill();
  }

  stop() {
    this.running = false;
  }

  get limitReached() {
    return this.o.limit !== undefined && this.sent >= this.o.limit;
  }

  /** @param {number} type @param {number} packetId */
  handleAck(type, packetId) {
    const seq = this.seqById[packetId] ?? -1;
    if (seq < 0) {
      this.protocolErrors += 1; // an ack for a packet id we do not have in flight
      return;
    }
    if (this.o.qos === 1 && type === TYPE.PUBACK) {
      this.o.ledger.markAcked(this.o.pubId, seq);
      this.release(packetId);
    } else if (this.o.qos === 2 && type === TYPE.PUBREC) {
      this.o.ledger.markAcked(this.o.pubId, seq);
      this.client.queueAck(TYPE.PUBREL, packetId);
    } else if (this.o.qos === 2 && type === TYPE.PUBCOMP) {
      this.release(packetId);
    } else {
      this.protocolErrors += 1;
    }
  }

  /** @param {number} packetId */
  release(packetId) {
    this.seqById[packetId] = -1;
    this.inflight -= 1;
    this.completed += 1;
  }

  fill() {
    const want = Math.min(this.o.window - this.inflight, this.o.limit === undefined ? Infinity : this.o.limit - this.sent);
    if (!this.running || want <= 0 || this.client.socket.destroyed) return;
    const room = this.o.credit ? this.o.credit.takeUpTo(want) : want;
    if (room < want && this.o.credit && !this.waitingCredit) {
      this.waitingCredit = true;
      this.o.credit.wait(this.resume);
    }
    if (room <= 0) return;
    const { tpl, pubId, patch } = this.o;
    const len = tpl.packet.length;
    const buf = Buffer.allocUnsafe(room * len);
    for (let k = 0; k < room; k += 1) {
      const at = k * len;
      const seq = this.sent;
      const packetId = (seq % 65535) + 1;
      tpl.packet.copy(buf, at);
      buf.writeUInt16BE(packetId, at + tpl.packetIdOffset);
      buf.writeUInt32BE(pubId, at + tpl.payloadOffset + PUB_ID);
      buf.writeUInt32BE(seq, at + tpl.payloadOffset + SEQ);
      if (patch) patch(buf, at, seq);
      this.seqById[packetId] = seq;
      this.sent += 1;
      this.inflight += 1;
    }
    this.client.socket.write(buf);
  }
}
