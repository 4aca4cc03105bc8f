/**
 * `fleetwatch broker` from an installed package: `npm pack` of this repository (built), installed
 * with production dependencies only into a fresh folder, run through its `node_modules/.bin`
 * entry. Proves the bin needs nothing from devDependencies or from the source tree.
 * Needs the build (`npm test` builds first) and the npm registry or cache.
 */

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import mqtt from 'mqtt';

const repoRoot = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fw-installed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function npm(args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile('npm', args, { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => (err ? fail(new Error(`npm ${args.join(' ')}: ${err.message}\n${stderr}`)) : done(stdout)));
  });
}

it('runs from an installed package (production dependencies only) and stops cleanly on SIGTERM', async () => {
  if (!existsSync(join(repoRoot, 'dist/electron/cli/fleetwatch.js'))) throw new Error("dist/ is missing: run 'npm run build' first");
  await npm(['pack', '--ignore-scripts', '--pack-destination', dir], repoRoot);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'installed-check', version: '1.0.0', private: true }));
  await npm(['install', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball!)], app);

  const bin = join(app, 'node_modules/.bin/fleetwatch');
  const child = spawn(bin, ['broker', '--host', '127.0.0.1', '--port', '0', '--data-dir', join(dir, 'data')], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const port = await new Promise<number>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no listening line: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        const m = /mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(Number(m[1]));
        }
      });
      child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
    });
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    await c.subscribeAsync('installed/t', { qos: 1 });
    const got = new Promise<string>((ok) => c.on('message', (_t, p) => ok(p.toString())));
    await c.publishAsync('installed/t', 'works', { qos: 1 });
    expect(await got).toBe('works');
    await c.endAsync();
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 300_000);
