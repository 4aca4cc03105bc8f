/**
 * A stand-in for the `electron` module when the built main process is booted under plain
 * Node (no Electron binary can run here). It behaves just enough like Electron for the
 * shell to start, and reports what the shell did as JSON lines on stdout:
 *   electron-stub {"event":"window","options":{...}}
 * Environment: FLEETWATCH_STUB_USERDATA = the folder app.getPath('userData') returns.
 */
import { EventEmitter } from 'node:events';

function report(event, data = {}) {
  process.stdout.write(`electron-stub ${JSON.stringify({ event, ...data })}\n`);
}

function cancellable() {
  return { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

let nextId = 1;
const windows = [];

class WebContents extends EventEmitter {
  id = nextId++;
  mainFrame = { url: 'about:blank' };
  session = { setPermissionRequestHandler: () => report('permission-handler') };
  setWindowOpenHandler() {
    report('window-open-handler');
  }
  send(channel, ...args) {
    report('send', { channel, args });
  }
  isDestroyed() {
    return false;
  }
}

export class BrowserWindow extends EventEmitter {
  webContents = new WebContents();
  #destroyed = false;
  constructor(options) {
    super();
    windows.push(this);
    report('window', { options });
  }
  async loadFile(path) {
    this.webContents.mainFrame = { url: new URL(`file://${path}`).href };
    report('loadFile', { path });
    setImmediate(() => this.emit('ready-to-show'));
  }
  show() {
    report('window-show');
  }
  hide() {
    report('window-hide');
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return this.#destroyed;
  }
  close() {
    const event = cancellable();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.#destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
  }
}

class App extends EventEmitter {
  isPackaged = false;
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return new Promise((resolve) => setImmediate(resolve));
  }
  getPath(name) {
    const dir = process.env.FLEETWATCH_STUB_USERDATA;
    if (name !== 'userData' || !dir) throw new Error(`electron-stub: getPath(${name}) needs FLEETWATCH_STUB_USERDATA`);
    return dir;
  }
  quit() {
    report('quit-requested');
    const before = cancellable();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    for (const w of windows) if (!w.isDestroyed()) w.close();
    const will = cancellable();
    this.emit('will-quit', will);
    if (will.defaultPrevented) return;
    this.emit('quit');
    report('exit', { code: 0 });
    process.exit(0);
  }
  exit(code = 0) {
    report('exit', { code });
    process.exit(code);
  }
}

export const app = new App();

class IpcMain extends EventEmitter {
  handle(channel) {
    report('ipc-handle', { channel });
  }
  removeHandler() {}
}
export const ipcMain = new IpcMain();

export class Tray extends EventEmitter {
  constructor() {
    super();
    report('tray');
  }
  setToolTip(text) {
    report('tray-tooltip', { text });
  }
  setContextMenu() {}
  setImage() {}
  destroy() {
    report('tray-destroyed');
  }
}

export const Menu = { buildFromTemplate: (items) => ({ items }) };

export const nativeImage = {
  createFromBitmap: (buffer, options) => ({ buffer, options, addRepresentation() {} }),
};

export class Notification extends EventEmitter {
  static isSupported() {
    return false;
  }
  show() {}
}

export default { app, BrowserWindow, ipcMain, Tray, Menu, nativeImage, Notification };
