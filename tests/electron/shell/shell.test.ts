import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runShell, type Shell } from '../../../electron/shell/shell.js';
import { IPC_CHANNELS } from '../../../electron/shell/ipc.js';
import { createElectronDouble, FakeFrame, FakeWebContents, type ElectronDouble } from './electron-double.js';

const preloadPath = '/app/dist/electron/shell/preload.cjs';
const indexPath = '/app/dist/renderer/index.html';
const pageUrl = pathToFileURL(indexPath).href;

let userData: string;
let e: ElectronDouble;
let logs: string[];
let shell: Shell | null;

async function start(): Promise<Shell> {
  const started = runShell(e.api, { preloadPath, indexPath, argv: ['electron', '.', '--mqtt-port=0', '--mqtt-host=127.0.0.1'], log: (l) => logs.push(l), handleSignals: false });
  e.app.makeReady();
  const s = await started;
  if (!s) throw new Error('shell did not start');
  shell = s;
  return s;
}

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'fleetwatch-shell-'));
  e = createElectronDouble(userData);
  logs = [];
  shell = null;
});
afterEach(async () => {
  await shell?.app.close();
  await rm(userData, { recursive: true, force: true });
});

describe('Electron shell: main window', () => {
  it('creates one sandboxed, context-isolated window without Node, with our preload and page', async () => {
    await start();
    expect(e.windows).toHaveLength(1);
    const [win] = e.windows;
    expect(win!.options.webPreferences).toMatchObject({
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(win!.loadedFile).toBe(indexPath);
    expect(win!.visible).toBe(true);
  });

  it('refuses new windows, navigation away from the page, and every permission request', async () => {
    await start();
    const contents = e.windows[0]!.webContents;
    expect(contents.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(contents.tryNavigate('https://example.com').prevented).toBe(true);
    let granted: boolean | null = null;
    contents.permissionHandler!(contents, 'notifications', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('keeps data in the userData folder', async () => {
    const s = await start();
    expect(s.app.status().dataDir).toBe(join(userData, 'data'));
  });
});

describe('Electron shell: tray and close behaviour', () => {
  it('closing the window hides it and the broker keeps running; the tray brings it back', async () => {
    const s = await start();
    const win = e.windows[0]!;
    expect(win.userClose()).toBe(false);
    expect(win.visible).toBe(false);
    expect(s.app.status().state).toBe('running');
    expect(e.app.quitCalls).toBe(0);
    e.trays[0]!.clickItem('Show Fleetwatch');
    expect(win.visible).toBe(true);
    win.hide();
    e.trays[0]!.emit('click');
    expect(win.visible).toBe(true);
  });

  it('Quit in the tray stops the broker, then lets the app end', async () => {
    const s = await start();
    const states: string[] = [];
    s.app.events.on('broker.status', (st) => states.push(st.state));
    e.trays[0]!.clickItem('Quit Fleetwatch');
    expect(e.app.quitFinished).toBe(false); // will-quit was held while the broker closes
    await expect.poll(() => e.app.quitFinished).toBe(true);
    expect(s.app.status().state).toBe('stopped');
    expect(e.windows[0]!.destroyed).toBe(true);
    expect(e.trays[0]!.destroyed).toBe(true);
    expect(states).toEqual(['stopping', 'stopped']);
  });

  it('shows the broker status in the tray tooltip and menu', async () => {
    const s = await start();
    const tray = e.trays[0]!;
    const port = s.app.status().listeners[0]!.port;
    expect(port).toBeGreaterThan(0);
    expect(tray.tooltip).toBe(`Fleetwatch — Broker running on port ${port}`);
    expect(tray.menu!.items[0]).toMatchObject({ label: `Broker running on port ${port}`, enabled: false });
  });

  it('a second instance quits at once without opening a window', async () => {
    e.app.hasLock = false;
    const result = await runShell(e.api, { preloadPath, indexPath, argv: [], log: (l) => logs.push(l), handleSignals: false });
    expect(result).toBeNull();
    expect(e.app.quitCalls).toBe(1);
    expect(e.windows).toHaveLength(0);
  });

  it('the first instance shows its window when a second one starts', async () => {
    await start();
    const win = e.windows[0]!;
    win.hide();
    win.minimized = true;
    e.app.emit('second-instance');
    expect(win.visible).toBe(true);
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(true);
  });
});

describe('Electron shell: IPC sender validation', () => {
  it('answers invocations from the main frame of our window', async () => {
    await start();
    const contents = e.windows[0]!.webContents;
    const result = await e.ipcMain.invokeFrom(contents, IPC_CHANNELS.invoke, 'broker.status', {});
    expect(result).toMatchObject({ ok: true, value: { dataDir: join(userData, 'data') } });
  });

  it('validates the payload of trusted invocations too', async () => {
    await start();
    const contents = e.windows[0]!.webContents;
    expect(await e.ipcMain.invokeFrom(contents, IPC_CHANNELS.invoke, 'broker.clients', { limit: 'all' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });

  it('refuses web contents the app did not create', async () => {
    await start();
    const stranger = new FakeWebContents();
    stranger.mainFrame = new FakeFrame(pageUrl);
    expect(await e.ipcMain.invokeFrom(stranger, IPC_CHANNELS.invoke, 'broker.status', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(logs.join('\n')).toContain('refused invoke from untrusted sender');
  });

  it('refuses a subframe, a missing frame, and our window after it navigated elsewhere', async () => {
    await start();
    const contents = e.windows[0]!.webContents;
    const iframe = new FakeFrame(pageUrl);
    expect(await e.ipcMain.invokeFromFrame(contents, iframe, IPC_CHANNELS.invoke, 'broker.status', {})).toMatchObject({ error: { code: 'forbidden' } });
    expect(await e.ipcMain.invokeFromFrame(contents, null, IPC_CHANNELS.invoke, 'broker.status', {})).toMatchObject({ error: { code: 'forbidden' } });
    contents.mainFrame = new FakeFrame('https://evil.example/');
    expect(await e.ipcMain.invokeFrom(contents, IPC_CHANNELS.invoke, 'broker.status', {})).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('accepts our page with a view fragment (#topics) in its URL', async () => {
    await start();
    const contents = e.windows[0]!.webContents;
    contents.mainFrame = new FakeFrame(`${pageUrl}#topics`);
    expect(await e.ipcMain.invokeFrom(contents, IPC_CHANNELS.invoke, 'broker.status', {})).toMatchObject({ ok: true });
  });

  it('pushes events only to a window that subscribed, and stops when its contents are destroyed', async () => {
    const s = await start();
    const contents = e.windows[0]!.webContents;
    const stranger = new FakeWebContents();
    stranger.mainFrame = new FakeFrame(pageUrl);
    e.ipcMain.sendFrom(stranger, IPC_CHANNELS.subscribe, 'broker.status');
    s.app.events.emit('broker.status', s.app.status());
    expect(contents.sent).toEqual([]);
    expect(stranger.sent).toEqual([]);

    e.ipcMain.sendFrom(contents, IPC_CHANNELS.subscribe, 'broker.status');
    s.app.events.emit('broker.status', s.app.status());
    expect(contents.sent).toEqual([[IPC_CHANNELS.event, 'broker.status', s.app.status()]]);

    e.ipcMain.sendFrom(contents, IPC_CHANNELS.unsubscribe, 'broker.status');
    s.app.events.emit('broker.status', s.app.status());
    expect(contents.sent).toHaveLength(1);

    e.ipcMain.sendFrom(contents, IPC_CHANNELS.subscribe, 'broker.status');
    const before = s.app.events.listenerCount('broker.status');
    contents.destroy();
    expect(s.app.events.listenerCount('broker.status')).toBe(before - 1);
    expect(await e.ipcMain.invokeFrom(contents, IPC_CHANNELS.invoke, 'broker.status', {})).toMatchObject({ error: { code: 'forbidden' } });
  });
});
