/**
 * The main window: sandboxed, context-isolated, no Node in the page, our preload only.
 * Navigation away from our page and new windows are refused; closing hides the window
 * (the broker keeps running in the tray) unless the app is quitting.
 */

import type { ElectronApi, Electron } from './electron-api.js';

export interface MainWindowOptions {
  preloadPath: string;
  indexPath: string;
  /** true once an explicit Quit started: then closing really closes */
  isQuitting: () => boolean;
}

export function mainWindowOptions(preloadPath: string): Electron.BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Fleetwatch',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

export function createMainWindow(electron: Pick<ElectronApi, 'BrowserWindow'>, options: MainWindowOptions): Electron.BrowserWindow {
  const win = new electron.BrowserWindow(mainWindowOptions(options.preloadPath));
  const contents = win.webContents;

  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    win.hide();
  });
  void win.loadFile(options.indexPath);
  return win;
}

/** Brings the window back from the tray (or from behind other windows). */
export function showWindow(win: Electron.BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
