/**
 * MQTT over WebSocket [MQTT-6.0] for browser clients: path /mqtt, subprotocol "mqtt" (also the
 * MQTT 3.1 name "mqttv3.1"). Binary frames carry a byte stream (packets may span frames or share
 * one); a text frame is a protocol violation [MQTT-6.0.0-1]. The Wire adapter feeds the same
 * Connection code as TCP.
 */

import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Wire, WireListener } from '../broker/wire.js';
import { type AcceptConnection, END_GRACE_MS, formatAddress, type ListenerHandle } from './listener.js';

export const WS_PATH = '/mqtt';
const SUBPROTOCOLS = ['mqtt', 'mqttv3.1'];

class WsWire implements Wire {
  readonly transport = 'ws' as const;
  readonly remoteAddress: string;

  constructor(
    private readonly ws: WebSocket,
    socket: net.Socket,
  ) {
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
  }

  get writableLength(): number {
    return this.ws.bufferedAmount;
  }

  write(data: Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data, { binary: true });
  }

  writev(data: Buffer[]): void {
    this.write(data.length === 1 ? (data[0] as Buffer) : Buffer.concat(data));
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  end(): void {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return;
    ws.close(1000);
    const timer = setTimeout(() => ws.terminate(), END_GRACE_MS);
    timer.unref();
    ws.once('close', () => clearTimeout(timer));
  }

  destroy(): void {
    this.ws.terminate();
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function attach(ws: WebSocket, socket: net.Socket, listener: WireListener): void {
  let failure: Error | undefined;
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      listener.onViolation('text WebSocket frame: MQTT needs binary frames [MQTT-6.0.0-1]');
      return;
    }
    listener.onData(toBuffer(data));
  });
  socket.on('drain', () => listener.onDrain());
  ws.on('error', (err) => {
    failure = err;
  });
  ws.on('close', () => listener.onClose(failure));
}

export interface WsOptions {
  /** largest WebSocket message accepted (bytes) */
  maxPayload: number;
}

export function listenWs(host: string, port: number, options: WsOptions, accept: AcceptConnection): Promise<ListenerHandle> {
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end(`MQTT over WebSocket: connect to ${WS_PATH} with subprotocol "mqtt"\n`);
  });
  const wss = new WebSocketServer({
    server,
    path: WS_PATH,
    perMessageDeflate: false,
    maxPayload: options.maxPayload,
    handleProtocols: (protocols) => SUBPROTOCOLS.find((p) => protocols.has(p)) ?? false,
  });
  wss.on('connection', (ws, req) => {
    const socket = req.socket;
    socket.setNoDelay(true);
    const listener = accept(new WsWire(ws, socket));
    if (listener === undefined) {
      ws.on('error', () => undefined);
      ws.terminate();
      return;
    }
    attach(ws, socket, listener);
  });
  wss.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      const address = server.address() as net.AddressInfo;
      resolve({
        host,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            wss.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
