/** Starts electron/host in this process on 127.0.0.1:0 with fixed handlers and a tiny renderer folder. */

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ContractEmitter } from '../../../electron/app/events.js';
import { startHost, type RunningHost } from '../../../electron/host/host.js';
import type { ServerFrame } from '../../../electron/contract/index.js';
import { fixedHandlers } from '../bridge/fixtures.js';

export interface TestHost extends RunningHost {
  events: ContractEmitter;
  origin: string;
  logs: string[];
  rendererDir: string;
  stop(): Promise<void>;
}

export async function startTestHost(host = '127.0.0.1'): Promise<TestHost> {
  const rendererDir = await mkdtemp(join(tmpdir(), 'fleetwatch-renderer-'));
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(rendererDir, 'assets', 'app-1234.js'), 'console.log(1)');
  const logs: string[] = [];
  const events = new ContractEmitter((m) => logs.push(m));
  const running = await startHost({ app: { handlers: fixedHandlers(), events }, host, port: 0, rendererDir, log: (m) => logs.push(m) });
  return {
    ...running,
    events,
    logs,
    rendererDir,
    origin: `http://127.0.0.1:${running.port}`,
    stop: async () => {
      await running.close();
      await rm(rendererDir, { recursive: true, force: true });
    },
  };
}

/** Opens a bridge socket; resolves when open, rejects with the HTTP status if refused. */
export function openBridge(url: string, origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Collects server frames; `next(pred)` resolves with the first (past or future) frame matching. */
export function frames(ws: WebSocket): { all: ServerFrame[]; next(pred: (f: ServerFrame) => boolean): Promise<ServerFrame> } {
  const all: ServerFrame[] = [];
  const waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    all.push(frame);
    for (const w of [...waiters]) {
      if (w.pred(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  return {
    all,
    next: (pred) =>
      new Promise((resolve) => {
        const seen = all.find(pred);
        if (seen) resolve(seen);
        else waiters.push({ pred, resolve });
      }),
  };
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: '' });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}
