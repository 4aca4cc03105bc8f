/**
 * A hand-written test double of the parts of `electron` the shell uses. It records what the
 * shell does (windows created with which options, tray label, IPC handlers) and lets a test
 * play the user or the renderer (close a window, click a tray item, send IPC from a frame).
 * The Electron binary cannot run here; this is the seam the team rules allow a double for.
 */

import { EventEmitter } from 'node:events';
import type { ElectronApi } from '../../../electron/shell/electron-api.js';

let nextContentsId = 1;

export class FakeFrame {
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  mainFrame = new FakeFrame('about:blank');
  destroyed = false;
  sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  permissionHandler: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
  session = {
    setPermissionRequestHandler: (h: FakeWebContents['permissionHandler']) => {
      this.permissionHandler = h;
    },
  };
  setWindowOpenHandler(h: FakeWebContents['windowOpenHandler']): void {
    this.windowOpenHandler = h;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
  /** what `will-navigate` listeners decided for a navigation to `url` */
  tryNavigate(url: string): { prevented: boolean } {
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    this.emit('will-navigate', event, url);
    return { prevented: event.prevented };
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;
  loadedFile: string | null = null;

  constructor(public options: Record<string, any>) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  async loadFile(path: string): Promise<void> {
    this.loadedFile = path;
    this.webContents.mainFrame = new FakeFrame(new URL(`file://${path}`).href);
    this.emit('ready-to-show');
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** the user clicks the window's close button; returns whether it really closed */
  userClose(): boolean {
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    this.emit('close', event);
    if (event.prevented) return false;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    this.emit('closed');
    return true;
  }
}

export class FakeIpcMain extends EventEmitter {
  handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** the renderer in `contents` (frame `frame`, main frame by default) calls ipcRenderer.invoke */
  async invokeFrom(contents: FakeWebContents, channel: string, ...args: unknown[]): Promise<unknown> {
    const fn = this.handlers.get(channel);
    if (!fn) throw new Error(`No handler registered for '${channel}'`);
    return fn({ sender: contents, senderFrame: contents.mainFrame }, ...args);
  }
  async invokeFromFrame(contents: FakeWebContents, frame: FakeFrame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const fn = this.handlers.get(channel);
    if (!fn) throw new Error(`No handler registered for '${channel}'`);
    return fn({ sender: contents, senderFrame: frame }, ...args);
  }
  /** ipcRenderer.send from the main frame of `contents` */
  sendFrom(contents: FakeWebContents, channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: contents, senderFrame: contents.mainFrame }, ...args);
  }
}

export class FakeTray extends EventEmitter {
  static all: FakeTray[] = [];
  tooltip = '';
  menu: { items: { label?: string; type?: string; enabled?: boolean; click?: () => void }[] } | null = null;
  images: unknown[] = [];
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.images.push(image);
    FakeTray.all.push(this);
  }
  setToolTip(t: string): void {
    this.tooltip = t;
  }
  setContextMenu(menu: FakeTray['menu']): void {
    this.menu = menu;
  }
  setImage(image: unknown): void {
    this.images.push(image);
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** clicks the context-menu item whose label starts with `prefix` */
  clickItem(prefix: string): void {
    const item = this.menu?.items.find((i) => i.label?.startsWith(prefix));
    if (!item?.click) throw new Error(`no menu item '${prefix}' in ${JSON.stringify(this.menu?.items.map((i) => i.label))}`);
    item.click();
  }
}

export class FakeNotification extends EventEmitter {
  static supported = true;
  static shown: { title: string; body: string }[] = [];
  constructor(public options: { title: string; body: string }) {
    super();
  }
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  show(): void {
    FakeNotification.shown.push(this.options);
  }
}

export class FakeApp extends EventEmitter {
  hasLock = true;
  quitCalls = 0;
  exited: number | null = null;
  quitFinished = false;
  #ready: () => void = () => undefined;
  readonly ready = new Promise<void>((resolve) => (this.#ready = resolve));
  constructor(public userData: string) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  makeReady(): void {
    this.#ready();
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`getPath(${name}) not faked`);
    return this.userData;
  }
  /** Electron's order: before-quit, then will-quit (which may be prevented), then the app ends. */
  quit(): void {
    this.quitCalls += 1;
    const before = { prevented: false, preventDefault() { this.prevented = true; } };
    this.emit('before-quit', before);
    if (before.prevented) return;
    for (const w of FakeBrowserWindow.all) if (!w.destroyed) w.userClose();
    const will = { prevented: false, preventDefault() { this.prevented = true; } };
    this.emit('will-quit', will);
    if (!will.prevented) {
      this.quitFinished = true;
      this.emit('quit');
    }
  }
  exit(code: number): void {
    this.exited = code;
  }
}

export interface ElectronDouble {
  api: ElectronApi;
  app: FakeApp;
  ipcMain: FakeIpcMain;
  windows: FakeBrowserWindow[];
  trays: FakeTray[];
  notifications: typeof FakeNotification.shown;
  Notification: typeof FakeNotification;
}

export function createElectronDouble(userData: string): ElectronDouble {
  FakeBrowserWindow.all = [];
  FakeTray.all = [];
  FakeNotification.shown = [];
  FakeNotification.supported = true;
  const app = new FakeApp(userData);
  const ipcMain = new FakeIpcMain();
  const nativeImage = {
    createFromBitmap: (buffer: Buffer, opts: { width: number; height: number }) => {
      const reps = [{ buffer, ...opts }];
      return { reps, addRepresentation: (r: unknown) => reps.push(r as never) };
    },
  };
  const Menu = { buildFromTemplate: (items: unknown[]) => ({ items }) };
  const api = { app, BrowserWindow: FakeBrowserWindow, ipcMain, Menu, Tray: FakeTray, nativeImage, Notification: FakeNotification } as unknown as ElectronApi;
  return {
    api,
    app,
    ipcMain,
    get windows() {
      return FakeBrowserWindow.all;
    },
    get trays() {
      return FakeTray.all;
    },
    get notifications() {
      return FakeNotification.shown;
    },
    Notification: FakeNotification,
  };
}
