/**
 * Boots the BUILT Electron main process (dist/electron/shell/main.js) under plain Node,
 * with a module.register loader hook mapping `electron` to tests/support/electron-stub.mjs,
 * and checks it starts the real broker, opens the window on our page, and quits cleanly.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/host.js';

const mainJs = join(repoRoot, 'dist/electron/shell/main.js');
const loader = join(repoRoot, 'tests/support/electron-stub-loader.mjs');

interface Booted {
  child: ChildProcess;
  reports: { event: string; [k: string]: any }[];
  stderr(): string;
  exit: Promise<number | null>;
  userData: string;
}

const booted: Booted[] = [];
afterEach(async () => {
  for (const b of booted.splice(0)) {
    if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
    await b.exit;
    await rm(b.userData, { recursive: true, force: true });
  }
});

async function boot(): Promise<Booted> {
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run 'npm run build' first`);
  const userData = await mkdtemp(join(tmpdir(), 'fleetwatch-boot-'));
  const child = spawn(process.execPath, ['--import', loader, mainJs, '--mqtt-port=0', '--mqtt-host=127.0.0.1'], {
    cwd: repoRoot,
    env: { ...process.env, FLEETWATCH_STUB_USERDATA: userData },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const reports: Booted['reports'] = [];
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    let nl: number;
    while ((nl = out.indexOf('\n')) !== -1) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.startsWith('electron-stub ')) reports.push(JSON.parse(line.slice('electron-stub '.length)));
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const b = { child, reports, stderr: () => err, exit, userData };
  booted.push(b);
  return b;
}

const find = (b: Booted, event: string) => b.reports.find((r) => r.event === event);

describe('built Electron main process booted under Node with a stub electron', { timeout: 120_000 }, () => {
  it('starts the real broker, opens the sandboxed window on the built page, and shows status in the tray', async () => {
    const b = await boot();
    await expect.poll(() => find(b, 'loadFile'), { timeout: 30_000 }).toBeDefined();
    const win = find(b, 'window')!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(existsSync(win.options.webPreferences.preload)).toBe(true);
    expect(win.options.webPreferences.preload).toMatch(/preload\.cjs$/);
    expect(find(b, 'loadFile')!.path).toBe(join(repoRoot, 'dist/renderer/index.html'));
    expect(existsSync(find(b, 'loadFile')!.path)).toBe(true);
    expect(find(b, 'ipc-handle')).toMatchObject({ channel: 'fleetwatch:invoke' });

    await expect.poll(() => /mqtt listening on tcp 127\.0\.0\.1:(\d+)/.exec(b.stderr())?.[1], { timeout: 30_000 }).toBeDefined();
    const port = Number(/mqtt listening on tcp 127\.0\.0\.1:(\d+)/.exec(b.stderr())![1]);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'boot-check', protocolVersion: 4, reconnectPeriod: 0 });
    try {
      await expect
        .poll(() => b.reports.filter((r) => r.event === 'tray-tooltip').at(-1)?.text, { timeout: 30_000 })
        .toBe(`Fleetwatch — Broker running on port ${port}, 1 client`);
    } finally {
      await client.endAsync(true);
    }
  });

  it('on SIGTERM stops the broker before exiting with code 0', async () => {
    const b = await boot();
    await expect.poll(() => /mqtt listening on tcp 127\.0\.0\.1:(\d+)/.exec(b.stderr())?.[1], { timeout: 30_000 }).toBeDefined();
    const port = Number(/mqtt listening on tcp 127\.0\.0\.1:(\d+)/.exec(b.stderr())![1]);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'boot-quit', protocolVersion: 4, reconnectPeriod: 0 });
    const dropped = new Promise<void>((resolve) => client.once('close', () => resolve()));
    b.child.kill('SIGTERM');
    expect(await b.exit).toBe(0);
    await dropped;
    // logged only once broker.close() has resolved, and the process exits only after that
    expect(b.stderr()).toContain('fleetwatch: broker stopped');
    const events = b.reports.map((r) => r.event);
    expect(events).toContain('quit-requested');
    expect(events.at(-1)).toBe('exit');
    expect(events).toContain('tray-destroyed');
    await client.endAsync(true);
  });
});
