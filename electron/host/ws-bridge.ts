/**
 * The contract over a WebSocket, for pages served by the headless host.
 *
 * Handshake: only `/bridge?token=<per-run token>` with an allowed Origin is upgraded;
 * everything else gets 401/403 and the socket is closed before any frame is exchanged.
 * Frames are JSON (`ClientFrame` in, `ServerFrame` out).
 *
 * Bounds (per connection): a frame is at most MAX_FRAME_BYTES; at most MAX_PENDING
 * invocations run at once (more are answered `unavailable`); while more than
 * MAX_BUFFERED_BYTES wait to be sent, events are shed and counted, and the count is sent
 * as a `shed` frame once the page catches up. At most MAX_PEERS pages at once.
 */

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, ServerFrame } from '../contract/index.js';
import type { Dispatcher } from '../bridge/dispatcher.js';
import { parseClientFrame } from '../bridge/wire.js';
import { tokenMatches } from './security.js';

export const BRIDGE_PATH = '/bridge';
export const MAX_FRAME_BYTES = 1024 * 1024;
export const MAX_PENDING = 64;
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const MAX_PEERS = 32;
const PING_INTERVAL_MS = 30_000;

export interface BridgeOptions {
  server: Server;
  dispatcher: Dispatcher;
  token: string;
  isAllowedOrigin: (origin: string | undefined, requestHost: string | undefined) => boolean;
  log?: (line: string) => void;
}

export interface Bridge {
  peerCount(): number;
  /** closes every page's socket (1001 going away) */
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`);
  socket.destroy();
}

export function attachBridge(options: BridgeOptions): Bridge {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });

  options.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== BRIDGE_PATH) return refuse(socket, 404, 'Not Found');
    if (!tokenMatches(options.token, url.searchParams.get('token'))) return refuse(socket, 401, 'Unauthorized');
    if (!options.isAllowedOrigin(req.headers.origin, req.headers.host)) return refuse(socket, 403, 'Forbidden');
    if (wss.clients.size >= MAX_PEERS) return refuse(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => servePeer(ws));
  });

  function servePeer(ws: WebSocket): void {
    let pending = 0;
    let shed = 0;
    let alive = true;
    const send = (frame: ServerFrame): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const session = options.dispatcher.openSession((event, payload) => {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        shed += 1;
        return;
      }
      if (shed > 0) {
        send({ kind: 'shed', count: shed });
        shed = 0;
      }
      send({ kind: 'event', event, payload } as ServerFrame);
    });
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, PING_INTERVAL_MS);
    ping.unref();

    ws.on('pong', () => {
      alive = true;
    });
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? null : parseClientFrame(data.toString());
      if (!frame) {
        ws.close(1003, 'frames are JSON ClientFrame text');
        return;
      }
      handle(frame);
    });
    ws.on('close', () => {
      clearInterval(ping);
      session.close();
    });
    ws.on('error', (err) => log(`fleetwatch: bridge peer error: ${err.message}`));

    function handle(frame: ClientFrame): void {
      if (frame.kind === 'subscribe') {
        const error = session.subscribe(frame.event);
        if (error) log(`fleetwatch: bridge: ${error.message}`);
        return;
      }
      if (frame.kind === 'unsubscribe') {
        session.unsubscribe(frame.event);
        return;
      }
      if (pending >= MAX_PENDING) {
        send({ kind: 'result', id: frame.id, result: { ok: false, error: { code: 'unavailable', message: `more than ${MAX_PENDING} requests in flight` } } });
        return;
      }
      pending += 1;
      void options.dispatcher.invoke(frame.method, frame.request).then((result) => {
        pending -= 1;
        send({ kind: 'result', id: frame.id, result });
      });
    }
  }

  return {
    peerCount: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.close(1001, 'host shutting down');
        // Peers that do not answer the close handshake are cut off.
        const cut = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 1000);
        cut.unref();
        wss.close(() => {
          clearTimeout(cut);
          resolve();
        });
      }),
  };
}
