/**
 * The part of the `electron` module the shell uses. Shell code receives it as a parameter
 * (main.ts passes the real module), so unit tests can hand in a test double.
 */

import type * as Electron from 'electron';

export interface ElectronApi {
  app: Electron.App;
  BrowserWindow: typeof Electron.BrowserWindow;
  ipcMain: Electron.IpcMain;
  Menu: typeof Electron.Menu;
  Tray: typeof Electron.Tray;
  nativeImage: typeof Electron.nativeImage;
  Notification: typeof Electron.Notification;
}

export type { Electron };
