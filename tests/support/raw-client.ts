/**
 * A raw MQTT test client: a real TCP socket to the broker, packets encoded with our codec (or
 * arbitrary bytes), and every packet the broker sends decoded and queued for `next()`. For
 * protocol-flow tests that need exact control over what goes on the wire.
 */

import net from 'node:net';
import { PacketDecoder, encodePacket } from '../../broker-core/codec/index.js';
import type { ConnackPacket, ConnectPacket, Packet, PublishPacket, QoS, SubackPacket } from '../../broker-core/codec/index.js';

type Kind = Packet['type'];
type Of<K extends Kind> = Extract<Packet, { type: K }>;

export class RawClient {
  readonly received: Packet[] = [];
  /** resolves when the broker closes the connection */
  readonly closed: Promise<void>;
  private waiters: { test: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];
  private readonly decoder = new PacketDecoder({ maxPacketSize: 268_435_455 });
  isClosed = false;

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      resolve();
    }));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk, (packet) => {
        const i = this.waiters.findIndex((w) => w.test(packet));
        if (i >= 0) {
          const [w] = this.waiters.splice(i, 1);
          w!.resolve(packet);
        } else {
          this.received.push(packet);
        }
      });
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Opens a socket, sends CONNECT and waits for the CONNACK. */
  static async connect(port: number, connect: Partial<ConnectPacket> = {}): Promise<{ client: RawClient; connack: ConnackPacket }> {
    const client = await RawClient.open(port);
    client.send({ type: 'connect', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepalive: 0, clientId: `raw-${Math.random().toString(16).slice(2)}`, ...connect });
    const connack = await client.next('connack');
    return { client, connack };
  }

  send(packet: Packet): void {
    this.socket.write(encodePacket(packet));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next packet of this kind (already received or yet to come). */
  next<K extends Kind>(type: K, timeoutMs = 10_000): Promise<Of<K>> {
    return this.nextMatching((p): p is Of<K> => p.type === type, timeoutMs, type);
  }

  nextMatching<P extends Packet>(test: (p: Packet) => p is P, timeoutMs?: number, what?: string): Promise<P>;
  nextMatching(test: (p: Packet) => boolean, timeoutMs?: number, what?: string): Promise<Packet>;
  nextMatching(test: (p: Packet) => boolean, timeoutMs = 10_000, what = 'packet'): Promise<Packet> {
    const i = this.received.findIndex(test);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; received so far: ${this.received.map((p) => p.type).join(', ') || 'nothing'}`));
      }, timeoutMs);
      const waiter = {
        test,
        resolve: (p: Packet) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Next PUBLISH on a topic. */
  nextPublish(topicName?: string, timeoutMs?: number): Promise<PublishPacket> {
    return this.nextMatching((p): p is PublishPacket => p.type === 'publish' && (topicName === undefined || p.topicName === topicName), timeoutMs, `PUBLISH ${topicName ?? ''}`);
  }

  async subscribe(topicFilter: string, qos: QoS = 0, packetId = 1): Promise<SubackPacket> {
    this.send({ type: 'subscribe', packetId, subscriptions: [{ topicFilter, qos }] });
    return this.nextMatching((p): p is SubackPacket => p.type === 'suback' && p.packetId === packetId);
  }

  publish(topicName: string, payload: string | Uint8Array, opts: { qos?: QoS; retain?: boolean; packetId?: number; dup?: boolean } = {}): void {
    const qos = opts.qos ?? 0;
    const packet: PublishPacket = { type: 'publish', topicName, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos, retain: opts.retain ?? false, dup: opts.dup ?? false };
    if (qos > 0) packet.packetId = opts.packetId ?? 1;
    this.send(packet);
  }

  /** Resolves true if no PUBLISH (matching topic) arrives within `ms` — for "nothing else was delivered" checks after a positive sync point. */
  hasPublish(topicName?: string): boolean {
    return this.received.some((p) => p.type === 'publish' && (topicName === undefined || p.topicName === topicName));
  }

  /** Round trip through the broker: everything the broker sent before the PINGRESP has been received. */
  async sync(): Promise<void> {
    this.send({ type: 'pingreq' });
    await this.next('pingresp');
  }

  disconnect(): Promise<void> {
    if (!this.isClosed) this.send({ type: 'disconnect' });
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
