/**
 * The Electron shell's wiring, and nothing more: single-instance lock, the composition
 * root with data in userData, IPC, the main window, the tray, quit behaviour.
 *
 * Life cycle: closing the window hides it and the broker keeps serving devices; only an
 * explicit Quit (tray menu, Cmd+Q, a signal) stops the broker, and the app waits for it to
 * close before exiting.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFleetwatchApp, type FleetwatchApp } from '../app/create-app.js';
import { createDispatcher } from '../bridge/dispatcher.js';
import type { BrokerStatsDto } from '../contract/index.js';
import type { ElectronApi, Electron } from './electron-api.js';
import { registerIpc, TrustedSenders } from './ipc.js';
import { createNotifier } from './notifications.js';
import { createStatusTray, type StatusTray } from './tray.js';
import { createMainWindow, showWindow } from './window.js';

export interface ShellOptions {
  preloadPath: string;
  indexPath: string;
  argv: readonly string[];
  log?: (line: string) => void;
  /** quit cleanly on SIGINT/SIGTERM (default true; unit tests share one process and turn it off) */
  handleSignals?: boolean;
}

export interface Shell {
  app: FleetwatchApp;
  window(): Electron.BrowserWindow | null;
  tray: StatusTray;
}

/** `--mqtt-port=N`, `--mqtt-host=ADDR`, `--mqtt-ws-port=N` among Electron's own switches. */
export function brokerArgs(argv: readonly string[]): { mqttPort: number; mqttHost?: string; wsPort?: number } {
  const value = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const port = (name: string): number | undefined => {
    const v = value(name);
    return v !== undefined && /^\d+$/.test(v) && Number(v) <= 65535 ? Number(v) : undefined;
  };
  const mqttHost = value('mqtt-host');
  const wsPort = port('mqtt-ws-port');
  return { mqttPort: port('mqtt-port') ?? 1883, ...(mqttHost ? { mqttHost } : {}), ...(wsPort === undefined ? {} : { wsPort }) };
}

/** Returns null when another instance already runs (this one then quits and that one shows its window). */
export async function runShell(electron: ElectronApi, options: ShellOptions): Promise<Shell | null> {
  const { app } = electron;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  if (!app.requestSingleInstanceLock()) {
    log('fleetwatch: already running; showing the existing window');
    app.quit();
    return null;
  }

  let quitting = false;
  let closed = false;
  let win: Electron.BrowserWindow | null = null;
  let fw: FleetwatchApp | null = null;

  app.on('second-instance', () => showWindow(win));
  app.on('activate', () => showWindow(win));
  // The broker lives on in the tray when the last window closes.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (closed || !fw) return;
    event.preventDefault();
    const closing = fw;
    fw = null;
    void closing
      .close()
      .catch((err: unknown) => log(`fleetwatch: error while stopping: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
  if (options.handleSignals !== false) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
  }

  await app.whenReady();
  // Windows shows notifications only for an app with an AppUserModelID (electron-builder's appId).
  if (process.platform === 'win32') app.setAppUserModelId('org.fleetwatch.desktop');

  const notify = createNotifier(electron, { log, onClick: () => showWindow(win) });
  const { mqttPort, mqttHost, wsPort } = brokerArgs(options.argv);
  fw = await createFleetwatchApp({
    dataDir: join(app.getPath('userData'), 'data'),
    mqttPort,
    ...(mqttHost ? { mqttHost } : {}),
    ...(wsPort === undefined ? {} : { wsPort }),
    notify,
    log,
  });
  const running = fw;

  const senders = new TrustedSenders();
  registerIpc({ ipcMain: electron.ipcMain, dispatcher: createDispatcher({ handlers: running.handlers, events: running.events, log }), senders, log });

  win = createMainWindow(electron, { preloadPath: options.preloadPath, indexPath: options.indexPath, isQuitting: () => quitting });
  senders.add(win.webContents, pathToFileURL(options.indexPath).href);
  win.on('closed', () => {
    win = null;
  });

  let stats: BrokerStatsDto | null = null;
  const tray = createStatusTray(electron, running.status(), { onShow: () => showWindow(win), onQuit: () => app.quit() });
  running.events.on('broker.status', (s) => tray.update(s, stats));
  running.events.on('broker.stats', (s) => {
    stats = s;
    tray.update(running.status(), s);
  });
  app.once('will-quit', () => tray.destroy());

  return { app: running, window: () => win, tray };
}
