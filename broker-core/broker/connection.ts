/**
 * One network connection: bytes in through the decoder, packets to the handlers, encoded bytes
 * out in per-turn batches. `receivePacket` is the one place that decides whether a problem
 * closes the connection; a problem here never reaches another client.
 *
 * Memory per idle connection is kept small: the decoder, the write batch, the acknowledgement
 * queue and the backpressure sets are created only when first needed.
 */

import type { ClientInfo, DisconnectReason } from '../api.js';
import type { Packet, Will } from '../codec/packets.js';
import type { DecodeError, PacketDecoder } from '../codec/decoder.js';
import type { Session, SessionOwner } from '../session/session.js';
import type { BrokerCore } from './core.js';
import type { Wire, WireListener } from './wire.js';
import { dispatch } from './handlers/dispatch.js';
import type { RouteSource } from './router.js';
import { connectionClosed } from './lifecycle.js';
import { FlowState, releaseWaiters, updateCongestion, waitFor } from './backpressure.js';

const NEW = 0;
/** CONNECT received, waiting for the authentication hook */
const CONNECTING = 1;
const CONNECTED = 2;
const CLOSED = 3;

/** A handler's verdict that the connection must close [MQTT-4.8]. */
export interface Violation {
  reason: DisconnectReason;
  detail: string;
}

export function violation(detail: string, reason: DisconnectReason = 'protocol-violation'): Violation {
  return { reason, detail };
}

/** An acknowledgement (or deferred action) waiting for earlier ones and for its durable write. */
interface PendingAck {
  bytes: Buffer | undefined;
  run: (() => void) | undefined;
  ready: boolean;
}


/** Batches up to this size are joined into one buffer; larger ones go out as a vectored write. */
const CONCAT_LIMIT = 64 * 1024;

export class Connection implements WireListener, SessionOwner {
  clientId = '';
  session: Session | undefined = undefined;
  /** the will to publish if the connection ends without DISCONNECT (cleared once handled) */
  will: Will | undefined = undefined;
  keepalive = 0;
  /** what CONNECT said, kept as plain fields; clientInfo() builds the object on demand */
  address = '';
  protocolLevel = 0;
  cleanSession = true;
  username: string | undefined = undefined;
  declaredWill: Will | undefined = undefined;
  connectedAt = 0;
  /** a packet arrived since the last keepalive sweep */
  active = false;
  lastActivity: number;
  /** too much is waiting for this client: its publishers are being slowed down */
  congested = false;
  /** backpressure bookkeeping, created when the connection first takes part */
  flow: FlowState | undefined = undefined;

  private state = NEW;
  private decoder: PacketDecoder | undefined = undefined;
  private out: Buffer[] | undefined = undefined;
  private outBytes = 0;
  private acks: PendingAck[] | undefined = undefined;
  /** packets that arrived while an asynchronous CONNECT was being authenticated */
  private backlog: Packet[] | undefined = undefined;
  /** this connection as a publisher, built once (saves an allocation per PUBLISH) */
  private source: RouteSource | undefined = undefined;

  constructor(
    readonly core: BrokerCore,
    readonly wire: Wire,
  ) {
    this.lastActivity = core.now();
  }

  get routeSource(): RouteSource {
    return (this.source ??= { publisherId: this.clientId, from: this, isWill: false });
  }

  /** The ClientInfo of a connected client (a fresh object each call). */
  clientInfo(): ClientInfo {
    const info: ClientInfo = {
      clientId: this.clientId,
      address: this.address,
      transport: this.wire.transport,
      protocol: this.protocolLevel === 4 ? 'MQTT 3.1.1' : 'MQTT 3.1',
      protocolLevel: this.protocolLevel,
      keepalive: this.keepalive,
      cleanSession: this.cleanSession,
      connectedAt: this.connectedAt,
    };
    if (this.username !== undefined) info.username = this.username;
    if (this.declaredWill !== undefined) info.will = this.declaredWill;
    return info;
  }

  get isConnected(): boolean {
    return this.state === CONNECTED;
  }

  get isClosed(): boolean {
    return this.state === CLOSED;
  }

  /** the first packet may be nothing but CONNECT [MQTT-3.1.0-1], and only once [MQTT-3.1.0-2] */
  get awaitingConnect(): boolean {
    return this.state === NEW;
  }

  /** bytes waiting for this client: in this turn's batch and in the socket's buffer */
  get outgoingBytes(): number {
    return this.outBytes + this.wire.writableLength;
  }

  // ---- input -------------------------------------------------------------------------------

  onData(chunk: Buffer): void {
    if (this.state === CLOSED) return;
    this.core.counters.bytesReceived += chunk.length;
    const decoder = (this.decoder ??= this.core.takeDecoder());
    let error: DecodeError | undefined;
    try {
      const core = this.core;
      const outer = core.receiving;
      core.receiving = this;
      try {
        error = decoder.push(chunk, core.deliverPacket);
      } finally {
        core.receiving = outer;
      }
      if (error === undefined && decoder.bufferedBytes === 0 && this.decoder === decoder) {
        // nothing pending: give the decoder back (an idle connection owns none)
        this.decoder = undefined;
        this.core.returnDecoder(decoder);
      }
    } catch (err) {
      // A bug in a handler: this connection is lost, the broker and its other clients are not.
      this.close('server-error', `internal error: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (error !== undefined) {
      const detail = `${error.message}${error.clause === undefined ? '' : ` [${error.clause}]`}`;
      // [MQTT-4.8] a malformed packet or protocol violation closes the network connection.
      this.close(error.kind === 'too-large' ? 'limit-exceeded' : 'protocol-violation', detail);
    }
  }

  /** The single decision point: run the handler, close the connection if it reports a violation. */
  receivePacket(packet: Packet): void {
    if (this.state === CLOSED) return;
    this.active = true;
    this.core.counters.messagesReceived++;
    if (this.backlog !== undefined) {
      this.backlog.push(packet);
      return;
    }
    const problem = dispatch(this, packet);
    if (problem !== undefined) this.close(problem.reason, problem.detail);
  }

  onDrain(): void {
    if (this.congested) this.updateCongestion();
  }

  onViolation(detail: string): void {
    this.close('protocol-violation', detail);
  }

  onClose(error?: Error): void {
    if (this.state === CLOSED) return;
    this.close('connection-lost', error !== undefined ? `socket error: ${error.message}` : 'the network connection closed without DISCONNECT');
  }

  // ---- CONNECT lifecycle ---------------------------------------------------------------------

  /** An asynchronous authentication started: hold later packets and stop reading meanwhile. */
  beginConnecting(): void {
    this.state = CONNECTING;
    this.backlog = [];
    this.wire.pause();
  }

  /** CONNACK 0 is being sent: from now on the client is connected. */
  markConnected(): void {
    this.state = CONNECTED;
    this.lastActivity = this.core.now();
  }

  /** After an asynchronous CONNECT: resume reading and handle what arrived meanwhile, in order. */
  replayBacklog(): void {
    const backlog = this.backlog;
    if (backlog === undefined) return;
    this.backlog = undefined;
    this.wire.resume();
    for (const packet of backlog) this.receivePacket(packet);
  }

  // ---- output --------------------------------------------------------------------------------

  /**
   * Queues bytes (`packets` whole packets) for this turn's batch; the broker flushes every dirty
   * connection once per turn.
   */
  send(bytes: Buffer, packets = 1): void {
    if (this.state === CLOSED) return;
    const counters = this.core.counters;
    counters.messagesSent += packets;
    counters.bytesSent += bytes.length;
    if (this.out === undefined) {
      this.out = [bytes];
      this.outBytes = bytes.length;
      this.core.markDirty(this);
    } else {
      this.out.push(bytes);
      this.outBytes += bytes.length;
    }
  }

  flush(): void {
    const out = this.out;
    if (out === undefined) return;
    this.out = undefined;
    const total = this.outBytes;
    this.outBytes = 0;
    if (out.length === 1) this.wire.write(out[0] as Buffer);
    else if (total <= CONCAT_LIMIT) this.wire.write(Buffer.concat(out, total));
    else this.wire.writev(coalesce(out));
    this.updateCongestion();
  }

  /**
   * Sends an acknowledgement once `durable` (the write it acknowledges) has resolved, and never
   * before an earlier acknowledgement of this connection: persistence latency cannot reorder acks.
   * Without a pending write and with nothing queued ahead, it goes out at once.
   */
  ack(bytes: Buffer, durable: Promise<void> | undefined): void {
    this.enqueueAck(bytes, undefined, durable);
  }

  /** Runs `run` in acknowledgement order (e.g. retained deliveries after their SUBACK). */
  afterAcks(run: () => void): void {
    this.enqueueAck(undefined, run, undefined);
  }

  private enqueueAck(bytes: Buffer | undefined, run: (() => void) | undefined, durable: Promise<void> | undefined): void {
    if (this.state === CLOSED) return;
    if (durable === undefined && (this.acks === undefined || this.acks.length === 0)) {
      if (bytes !== undefined) this.send(bytes);
      if (run !== undefined) run();
      return;
    }
    const entry: PendingAck = { bytes, run, ready: durable === undefined };
    (this.acks ??= []).push(entry);
    if (durable === undefined) return;
    durable.then(
      () => {
        entry.ready = true;
        this.releaseAcks();
      },
      (err: unknown) => {
        // The write failed: the acknowledgement must not be sent. Closing lets the client
        // re-send on its next connection instead of waiting forever.
        this.close('server-error', `persistence write failed: ${err instanceof Error ? err.message : String(err)}`);
        this.core.flush();
      },
    );
  }

  private releaseAcks(): void {
    const acks = this.acks;
    if (acks === undefined || this.state === CLOSED) return;
    let i = 0;
    while (i < acks.length && (acks[i] as PendingAck).ready) {
      const entry = acks[i] as PendingAck;
      i++;
      if (entry.bytes !== undefined) this.send(entry.bytes);
      if (entry.run !== undefined) entry.run();
    }
    acks.splice(0, i);
  }

  // ---- backpressure (see backpressure.ts) ------------------------------------------------------

  waitFor(target: Connection): void {
    waitFor(this, target);
  }

  updateCongestion(): void {
    updateCongestion(this);
  }

  // ---- closing -------------------------------------------------------------------------------

  /** Closes the connection (once). Pending bytes (e.g. a refusing CONNACK) are sent first. */
  close(reason: DisconnectReason, detail?: string): void {
    if (this.state === CLOSED) return;
    const wasConnected = this.state === CONNECTED;
    this.state = CLOSED;
    this.backlog = undefined;
    this.acks = undefined;
    this.core.connections.delete(this);
    if (reason === 'connection-lost') {
      this.out = undefined;
      this.outBytes = 0;
      this.wire.destroy();
    } else {
      const out = this.out;
      this.out = undefined;
      this.outBytes = 0;
      if (out !== undefined) this.wire.writev(out);
      this.wire.end();
    }
    this.congested = false;
    releaseWaiters(this);
    if (wasConnected) connectionClosed(this.core, this, reason, detail);
  }
}

/** Joins many small buffers into blocks of about CONCAT_LIMIT bytes for a vectored write. */
function coalesce(out: Buffer[]): Buffer[] {
  const blocks: Buffer[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i <= out.length; i++) {
    const length = i < out.length ? (out[i] as Buffer).length : 0;
    if (i === out.length || (size > 0 && size + length > CONCAT_LIMIT)) {
      if (i - start === 1) {
        blocks.push(out[start] as Buffer);
      } else if (size > 0) {
        // a plain copy loop: Buffer.concat re-validates every element
        const block = Buffer.allocUnsafe(size);
        let offset = 0;
        for (let j = start; j < i; j++) {
          const part = out[j] as Buffer;
          block.set(part, offset);
          offset += part.length;
        }
        blocks.push(block);
      }
      start = i;
      size = 0;
    }
    size += length;
  }
  return blocks;
}
