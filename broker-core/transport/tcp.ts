/** MQTT over TCP (node:net): one Wire per socket, feeding the transport-independent Connection. */

import net from 'node:net';
import type { Wire, WireListener } from '../broker/wire.js';
import { type AcceptConnection, END_GRACE_MS, formatAddress, type ListenerHandle } from './listener.js';

class TcpWire implements Wire {
  readonly transport = 'tcp' as const;
  readonly remoteAddress: string;

  constructor(private readonly socket: net.Socket) {
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
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

function attach(socket: net.Socket, listener: WireListener): void {
  let failure: Error | undefined;
  socket.on('data', (chunk: Buffer) => listener.onData(chunk));
  socket.on('drain', () => listener.onDrain());
  socket.on('error', (err) => {
    failure = err;
  });
  socket.on('close', () => listener.onClose(failure));
}

export function listenTcp(host: string, port: number, accept: AcceptConnection): Promise<ListenerHandle> {
  const server = net.createServer({ noDelay: true, allowHalfOpen: false }, (socket) => {
    const listener = accept(new TcpWire(socket));
    if (listener === undefined) {
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    attach(socket, listener);
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
