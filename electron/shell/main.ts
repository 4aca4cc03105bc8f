/**
 * Electron main-process entry (package.json "main"). Hands the real `electron` module to
 * the shell; everything else runs under plain Node too.
 */

import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, Notification, Tray, nativeImage } from 'electron';
import { runShell } from './shell.js';

runShell(
  { app, BrowserWindow, ipcMain, Menu, Notification, Tray, nativeImage },
  {
    preloadPath: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
    indexPath: fileURLToPath(new URL('../../renderer/index.html', import.meta.url)),
    argv: process.argv,
  },
).catch((err: unknown) => {
  process.stderr.write(`fleetwatch: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  app.exit(1);
});
