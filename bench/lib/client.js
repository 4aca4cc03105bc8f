// @ts-check
/**
 * A raw MQTT client on a node:net socket: connect, subscribe, hooks for PUBLISH and acks,
 * and acks batched per received chunk (one write answers every delivery in the chunk).
 * Every socket is registered in a SocketPool so a failed scenario can tear all of them down.
 */
import net from 'node:net';
import { TYPE, connect as encodeConnect, subscribe as encodeSubscribe, writeAck, DISCONNECT } from './mqtt-encode.js';
import { PacketReader } from './mqtt-reader.js';
import { withTimeout } from './util.js';

export class SocketPool {
  constructor() {
    /** @type {Set<net.Socket>} */
    this.sockets = new Set();
    this.closing = false;
    /** @type {(err: Error) => void} */
    this.rejectFailure = () => {};
    /** Rejects when the broker closes a connection the scenario did not close itself. */
    this.failure = new Promise((_resolve, reject) => {
      this.rejectFailure = reject;
    });
    this.failure.catch(() => undefined);
  }

  /** @param {string} what */
  unexpectedClose(what) {
    if (!this.closing) this.rejectFailure(new Error(`connection lost: ${what}`));
  }

  /** @param {net.Socket} socket */
  add(socket) {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  destroyAll() {
    this.closing = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }
}

/**
 * Acks queued while a chunk is parsed; 4 bytes each, the buffer grows by doubling. Bound: one
 * ack per packet of one socket chunk (at most 64 KiB of packets, so at most 64 KiB of acks).
 */
const ACK_BUF_START = 4096;

export class RawClient {
  /** @param {net.Socket} socket @param {string} clientId @param {SocketPool} pool */
  constructor(socket, clientId, pool) {
    this.socket = socket;
    this.clientId = clientId;
    /** set when we close the connection on purpose (DISCONNECT) */
    this.leaving = false;
    this.sessionPresent = false;
    /** @type {string | null} why the connection ended, once it has */
    this.closedReason = null;
    /** @type {(flags: number, buf: Buffer, start: number, end: number) => void} */
    this.onPublish = () => {};
    /** @type {(type: number, packetId: number) => void} PUBACK, PUBREC, PUBREL, PUBCOMP */
    this.onAck = () => {};
    /** @type {() => void} after every received chunk, once its acks are written */
    this.onChunkEnd = () => {};
    /** @type {Map<number, (granted: number[]) => void>} */
    this.pendingSubacks = new Map();
    /** @type {((returnCode: number, sessionPresent: boolean) => void) | null} */
    this.pendingConnack = null;
    this.ackBuf = Buffer.allocUnsafe(ACK_BUF_START);
    this.ackLen = 0;
    this.reader = new PacketReader((type, flags, buf, start, end) => this.dispatch(type, flags, buf, start, end));
    socket.on('data', (chunk) => {
      this.reader.push(chunk);
      if (this.ackLen > 0) this.flushAcks();
      this.onChunkEnd();
      if (this.reader.error) this.fail(`unparseable stream: ${this.reader.error.message}`);
    });
    socket.on('error', (err) => this.fail(err.message));
    socket.on('close', () => {
      this.fail('connection closed by the broker');
      if (!this.leaving) pool.unexpectedClose(`${clientId} (${this.closedReason})`);
    });
  }

  /** @param {string} reason */
  fail(reason) {
    if (this.closedReason === null) this.closedReason = reason;
    if (!this.socket.destroyed) this.socket.destroy();
  }

  /** @param {number} type @param {number} flags @param {Buffer} buf @param {number} start @param {number} end */
  dispatch(type, flags, buf, start, end) {
    switch (type) {
      case TYPE.PUBLISH:
        this.onPublish(flags, buf, start, end);
        return;
      case TYPE.PUBACK:
      case TYPE.PUBREC:
      case TYPE.PUBREL:
      case TYPE.PUBCOMP:
        this.onAck(type, buf.readUInt16BE(start));
        return;
      case TYPE.CONNACK: {
        const done = this.pendingConnack;
        this.pendingConnack = null;
        done?.(buf[start + 1] ?? 255, ((buf[start] ?? 0) & 1) === 1);
        return;
      }
      case TYPE.SUBACK: {
        const id = buf.readUInt16BE(start);
        const done = this.pendingSubacks.get(id);
        this.pendingSubacks.delete(id);
        done?.([...buf.subarray(start + 2, end)]);
        return;
      }
      default:
        return;
    }
  }

  /** Queues a 4-byte ack to be written after the current chunk. @param {number} type @param {number} packetId */
  queueAck(type, packetId) {
    if (this.ackLen + 4 > this.ackBuf.length) {
      const bigger = Buffer.allocUnsafe(this.ackBuf.length * 2);
      this.ackBuf.copy(bigger, 0, 0, this.ackLen);
      this.ackBuf = bigger;
    }
    writeAck(this.ackBuf, this.ackLen, type, packetId);
    this.ackLen += 4;
  }

  flushAcks() {
    // Copy out: the socket may still hold the buffer when the next chunk arrives.
    const out = Buffer.from(this.ackBuf.subarray(0, this.ackLen));
    this.ackLen = 0;
    if (!this.socket.destroyed) this.socket.write(out);
  }

  /**
   * @param {{ topicFilter: string, qos: 0 | 1 | 2 }[]} subscriptions
   * @param {number} [packetId] @param {number} [timeoutMs]
   * @returns {Promise<number[]>} granted QoS / 0x80 per filter
   */
  async subscribe(subscriptions, packetId = 1, timeoutMs = 15_000) {
    const granted = await withTimeout(
      /** @type {Promise<number[]>} */ (new Promise((resolve) => {
        this.pendingSubacks.set(packetId, resolve);
        this.socket.write(encodeSubscribe(packetId, subscriptions));
      })),
      timeoutMs,
      `SUBACK for ${this.clientId}`,
    );
    if (granted.some((g) => g === 0x80)) throw new Error(`subscription refused for ${this.clientId}`);
    return granted;
  }

  /** Sends DISCONNECT and waits for the socket to close (the broker closes it, or we do). */
  async disconnect(timeoutMs = 5_000) {
    if (this.socket.destroyed) return;
    this.leaving = true;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.end(DISCONNECT);
    await withTimeout(closed, timeoutMs, `close after DISCONNECT for ${this.clientId}`).catch(() => this.socket.destroy());
  }
}

/**
 * Opens a TCP connection and completes the MQTT handshake.
 * @param {number} port
 * @param {{ clientId: string, cleanSession?: boolean, keepalive?: number }} opts
 * @param {SocketPool} pool
 * @param {number} [timeoutMs]
 * @param {(client: RawClient) => void} [setup] installs hooks before any byte can arrive
 *   (a resumed session's queued messages may follow CONNACK in the same chunk)
 * @returns {Promise<RawClient>}
 */
export async function openClient(port, opts, pool, timeoutMs = 15_000, setup = undefined) {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  pool.add(socket);
  const client = new RawClient(socket, opts.clientId, pool);
  setup?.(client);
  const connack = new Promise((resolve, reject) => {
    client.pendingConnack = (rc, sessionPresent) => {
      if (rc !== 0) reject(new Error(`CONNACK return code ${rc} for ${opts.clientId}`));
      client.sessionPresent = sessionPresent;
      resolve(client);
    };
    socket.once('close', () => reject(new Error(`connection closed before CONNACK for ${opts.clientId} (${client.closedReason ?? ''})`)));
    socket.once('connect', () => socket.write(encodeConnect(opts)));
  });
  try {
    return /** @type {RawClient} */ (await withTimeout(connack, timeoutMs, `CONNACK for ${opts.clientId}`));
  } catch (err) {
    client.leaving = true;
    socket.destroy();
    throw err;
  }
}
