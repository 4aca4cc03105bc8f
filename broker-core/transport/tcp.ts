/** MQTT over TCP (node:net): one Wire per socket, feeding the transport-independent Connection. */

import net from 'node:net';
import type { Wire, WireListener } from '../broker/wire.js';
import { type AcceptConnection, END_GRACE_MS, formatAddress, type ListenerHandle } from './listener.js';

/**
 * The Wire of one socket. Socket events are routed through shared functions that find the
 * TcpWire on the socket (no closures per connection: an idle connection must stay small).
 */
class TcpWire implements Wire {
  readonly transport = 'tcp' as const;
  listener: WireListener | undefined = undefined;
  failure: Error | undefined = undefined;

  constructor(readonly socket: net.Socket) {}

  get remoteAddress(): string {
    return formatAddress(this.socket.remoteAddress, this.socket.remotePort);
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  write(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  writev(data: Buffer[]): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.cork();
    for (const chunk of data) socket.write(chunk);
    socket.uncork();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    socket.end();
    // a peer that never reads must not keep the socket (and its buffer) alive
    const timer = setTimeout(() => socket.destroy(), END_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const WIRE = Symbol('fleetwatch.wire');
type WiredSocket = net.Socket & { [WIRE]?: TcpWire };

function onSocketData(this: WiredSocket, chunk: Buffer): void {
  this[WIRE]?.listener?.onData(chunk);
}
function onSocketDrain(this: WiredSocket): void {
  this[WIRE]?.listener?.onDrain();
}
function onSocketError(this: WiredSocket, err: Error): void {
  const wire = this[WIRE];
  if (wire !== undefined) wire.failure = err;
}
function onSocketClose(this: WiredSocket): void {
  const wire = this[WIRE];
  wire?.listener?.onClose(wire.failure);
}

export function listenTcp(host: string, port: number, accept: AcceptConnection): Promise<ListenerHandle> {
  const server = net.createServer({ noDelay: true, allowHalfOpen: false }, (socket: WiredSocket) => {
    const wire = new TcpWire(socket);
    socket[WIRE] = wire;
    socket.on('error', onSocketError);
    const listener = accept(wire);
    if (listener === undefined) {
      socket.destroy();
      return;
    }
    wire.listener = listener;
    socket.on('data', onSocketData);
    socket.on('drain', onSocketDrain);
    socket.on('close', onSocketClose);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      // later server errors (e.g. EMFILE on accept) must not crash the process; accept continues
      server.on('error', () => undefined);
      const address = server.address() as net.AddressInfo;
      resolve({
        host,
        port: address.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
