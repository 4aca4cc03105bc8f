import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../../electron/app/data-lock.js';
import { createFleetwatchApp } from '../../../electron/app/create-app.js';
import { cliPath, startHost } from '../../support/host.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetwatch-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('data folder lock', () => {
  it('lets only one app use a data folder, and frees it on close', async () => {
    const opts = { dataDir: dir, mqttHost: '127.0.0.1', mqttPort: 0, notify: () => undefined, log: () => undefined };
    const first = await createFleetwatchApp(opts);
    await expect(createFleetwatchApp(opts)).rejects.toBeInstanceOf(DataDirInUseError);
    expect(first.status().state).toBe('running');
    await first.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await createFleetwatchApp(opts);
    await again.close();
  });

  it('refuses a folder locked by another running process, naming it', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid }));
      const err = await lockDataDir(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataDirInUseError);
      expect((err as DataDirInUseError).pid).toBe(other.pid);
      expect((err as Error).message).toContain('in use by another Fleetwatch');
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock whose process is gone, an unreadable lock, and its own pid after a restart', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const content of [JSON.stringify({ pid: gone }), '{"pid":', '', JSON.stringify({ pid: process.pid })]) {
      await writeFile(join(dir, LOCK_FILE), content);
      const lock = await lockDataDir(dir);
      await lock.release();
    }
  });

  it('a second fleetwatch serve on the same data folder exits 1 and says why', async () => {
    const first = await startHost();
    try {
      const second = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--mqtt-port', '0', '--data-dir', first.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      second.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      second.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const code = await new Promise<number | null>((resolve) => second.on('close', resolve));
      expect(code).toBe(1);
      expect(err).toContain(`in use by another Fleetwatch (process ${first.child.pid})`);
      expect(out).toBe('');
    } finally {
      await first.stop();
    }
  }, 120_000);
});
