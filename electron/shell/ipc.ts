/**
 * The contract over Electron IPC, main side. Every message is checked first: it must come
 * from the main frame of a window this app created, showing our own page. Anything else is
 * refused (`forbidden`) and logged. Requests are then validated by the dispatcher.
 */

import type { IpcChannels } from '../contract/index.js';
import type { BridgeSession, Dispatcher } from '../bridge/dispatcher.js';
import type { Electron } from './electron-api.js';

export const IPC_CHANNELS = {
  invoke: 'fleetwatch:invoke',
  subscribe: 'fleetwatch:subscribe',
  unsubscribe: 'fleetwatch:unsubscribe',
  event: 'fleetwatch:event',
} as const satisfies IpcChannels;

type IpcEvent = Electron.IpcMainEvent | Electron.IpcMainInvokeEvent;

/** Which web contents the app created, and which page each of them must be showing. */
export class TrustedSenders {
  readonly #pages = new Map<number, string>();

  /** trust `contents` while it shows `pageUrl` (file:// URL of our index.html) */
  add(contents: Electron.WebContents, pageUrl: string): void {
    const id = contents.id;
    this.#pages.set(id, pageUrl);
    contents.once('destroyed', () => this.#pages.delete(id));
  }

  isTrusted(event: IpcEvent): boolean {
    const page = this.#pages.get(event.sender.id);
    const frame = event.senderFrame;
    // A null frame was navigated away or destroyed; a subframe is never ours.
    if (page === undefined || !frame || frame !== event.sender.mainFrame) return false;
    return stripHash(frame.url) === page;
  }
}

function stripHash(url: string): string {
  const i = url.indexOf('#');
  return i === -1 ? url : url.slice(0, i);
}

export interface IpcDeps {
  ipcMain: Electron.IpcMain;
  dispatcher: Dispatcher;
  senders: TrustedSenders;
  log: (line: string) => void;
}

export function registerIpc({ ipcMain, dispatcher, senders, log }: IpcDeps): { dispose(): void } {
  const sessions = new Map<number, BridgeSession>();

  const sessionFor = (contents: Electron.WebContents): BridgeSession => {
    let session = sessions.get(contents.id);
    if (!session) {
      const id = contents.id;
      session = dispatcher.openSession((event, payload) => {
        if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, event, payload);
      });
      sessions.set(id, session);
      contents.once('destroyed', () => {
        sessions.get(id)?.close();
        sessions.delete(id);
      });
    }
    return session;
  };

  const refuse = (what: string, event: IpcEvent): void => {
    log(`fleetwatch: refused ${what} from untrusted sender (webContents ${event.sender.id}, ${event.senderFrame?.url ?? 'no frame'})`);
  };

  ipcMain.handle(IPC_CHANNELS.invoke, async (event, method: unknown, request: unknown) => {
    if (!senders.isTrusted(event)) {
      refuse('invoke', event);
      return { ok: false, error: { code: 'forbidden', message: 'not a Fleetwatch window' } };
    }
    return dispatcher.invoke(method, request);
  });
  const onSubscribe = (event: Electron.IpcMainEvent, name: unknown): void => {
    if (!senders.isTrusted(event)) return refuse('subscribe', event);
    const error = sessionFor(event.sender).subscribe(name);
    if (error) log(`fleetwatch: ipc: ${error.message}`);
  };
  const onUnsubscribe = (event: Electron.IpcMainEvent, name: unknown): void => {
    if (!senders.isTrusted(event)) return refuse('unsubscribe', event);
    sessions.get(event.sender.id)?.unsubscribe(name);
  };
  ipcMain.on(IPC_CHANNELS.subscribe, onSubscribe);
  ipcMain.on(IPC_CHANNELS.unsubscribe, onUnsubscribe);

  return {
    dispose() {
      ipcMain.removeHandler(IPC_CHANNELS.invoke);
      ipcMain.off(IPC_CHANNELS.subscribe, onSubscribe);
      ipcMain.off(IPC_CHANNELS.unsubscribe, onUnsubscribe);
      for (const s of sessions.values()) s.close();
      sessions.clear();
    },
  };
}
