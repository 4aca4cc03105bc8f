/**
 * The built preload (dist/electron/shell/preload.cjs) run as Electron's sandbox runs it: a
 * CommonJS function whose `require` serves only 'electron'. Proves it is self-contained and
 * that its inlined channel names are the contract's and the main side's.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../../../electron/shell/ipc.js';
import { repoRoot } from '../../support/host.js';
import type { PreloadApi } from '../../../electron/contract/index.js';

function loadPreload() {
  const source = readFileSync(join(repoRoot, 'dist/electron/shell/preload.cjs'), 'utf8');
  const required: string[] = [];
  const invoked: unknown[][] = [];
  const sent: unknown[][] = [];
  const rendererListeners = new Map<string, (...args: unknown[]) => void>();
  const exposed = new Map<string, PreloadApi>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: PreloadApi) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        invoked.push(args);
        return { ok: true, value: 'answer' };
      },
      send: (...args: unknown[]) => sent.push(args),
      on: (channel: string, listener: (...args: unknown[]) => void) => rendererListeners.set(channel, listener),
    },
  };
  const sandboxRequire = (name: string): unknown => {
    required.push(name);
    if (name !== 'electron') throw new Error(`the sandboxed preload cannot require '${name}'`);
    return electron;
  };
  const module = { exports: {} };
  runInNewContext(`(function (exports, require, module) {${source}\n})`, { console })(module.exports, sandboxRequire, module);
  return { required, invoked, sent, rendererListeners, api: exposed.get('fleetwatch')!, exposed };
}

describe('preload (built, sandboxed CommonJS)', () => {
  it('requires nothing but electron and exposes only window.fleetwatch', () => {
    const p = loadPreload();
    expect(p.required).toEqual(['electron']);
    expect([...p.exposed.keys()]).toEqual(['fleetwatch']);
    expect(Object.keys(p.api).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('uses the same channel names as the main side (which the contract types pin)', async () => {
    const p = loadPreload();
    expect(await p.api.invoke('broker.status', {})).toEqual({ ok: true, value: 'answer' });
    expect(p.invoked).toEqual([[IPC_CHANNELS.invoke, 'broker.status', {}]]);
    expect([...p.rendererListeners.keys()]).toEqual([IPC_CHANNELS.event]);
    const off = p.api.subscribe('broker.stats', () => undefined);
    off();
    expect(p.sent).toEqual([
      [IPC_CHANNELS.subscribe, 'broker.stats'],
      [IPC_CHANNELS.unsubscribe, 'broker.stats'],
    ]);
    expect(IPC_CHANNELS).toEqual({
      invoke: 'fleetwatch:invoke',
      subscribe: 'fleetwatch:subscribe',
      unsubscribe: 'fleetwatch:unsubscribe',
      event: 'fleetwatch:event',
    });
  });

  it('subscribes once per event name and delivers pushed events to every listener of that name', () => {
    const p = loadPreload();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = p.api.subscribe('broker.stats', (x) => a.push(x));
    const offB = p.api.subscribe('broker.stats', (x) => b.push(x));
    expect(p.sent).toEqual([[IPC_CHANNELS.subscribe, 'broker.stats']]);
    const push = p.rendererListeners.get(IPC_CHANNELS.event)!;
    push({}, 'broker.stats', { n: 1 });
    push({}, 'broker.status', { n: 2 });
    push({}, 42, { n: 3 });
    expect(a).toEqual([{ n: 1 }]);
    expect(b).toEqual([{ n: 1 }]);
    offA();
    expect(p.sent).toHaveLength(1);
    offB();
    expect(p.sent.at(-1)).toEqual([IPC_CHANNELS.unsubscribe, 'broker.stats']);
    push({}, 'broker.stats', { n: 4 });
    expect(a).toHaveLength(1);
  });
});
