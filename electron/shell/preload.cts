/**
 * The preload of the main window (sandboxed, context-isolated). It only supplies a
 * transport: `window.fleetwatch.invoke/subscribe` over IPC. It must stay a self-contained
 * CommonJS file that requires nothing but 'electron', so the channel names are written out
 * here; `satisfies IpcChannels` and tests/electron/shell/preload.test.ts keep them equal to
 * the contract's and to the main side's.
 */

import electron = require('electron');
import type { InvokeResult, IpcChannels, PreloadApi } from '../contract/index.js';

const CHANNELS = {
  invoke: 'fleetwatch:invoke',
  subscribe: 'fleetwatch:subscribe',
  unsubscribe: 'fleetwatch:unsubscribe',
  event: 'fleetwatch:event',
} as const satisfies IpcChannels;

const { contextBridge, ipcRenderer } = electron;
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(CHANNELS.event, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload);
    } catch (err) {
      console.error(`fleetwatch: listener for ${name} failed`, err);
    }
  }
});

const api: PreloadApi = {
  invoke: (method, request) => ipcRenderer.invoke(CHANNELS.invoke, method, request) as Promise<InvokeResult<unknown>>,
  subscribe(event, listener) {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
      ipcRenderer.send(CHANNELS.subscribe, event);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && listeners.get(event) === set) {
        listeners.delete(event);
        ipcRenderer.send(CHANNELS.unsubscribe, event);
      }
    };
  },
};

contextBridge.exposeInMainWorld('fleetwatch', api);
