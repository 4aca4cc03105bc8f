/**
 * Packages the app with electron-builder (`--dir`, Linux, offline) against a stub Electron
 * distribution, then reads app.asar: only the built output and production dependencies go
 * in, and serialport's native prebuilds are unpacked beside it.
 */

import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/host.js';

let work: string;
let resources: string;
let files: string[];
let log = '';

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist/electron/shell/main.js'))) throw new Error("run 'npm run build' first");
  work = await mkdtemp(join(tmpdir(), 'fleetwatch-pack-'));
  const stub = join(work, 'electron-dist');
  await mkdir(stub);
  await writeFile(join(stub, 'electron'), '#!/bin/sh\necho "stub electron: cannot run here"\nexit 1\n');
  await chmod(join(stub, 'electron'), 0o755);
  const electronVersion = JSON.parse(await readFile(join(repoRoot, 'node_modules/electron/package.json'), 'utf8')).version as string;
  await writeFile(join(stub, 'version'), `v${electronVersion}`);

  // electron-builder silences its log when it sees VITEST; the log is part of what we check.
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_BUILDER_CACHE: join(work, 'cache') };
  delete env['VITEST'];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'node_modules/electron-builder/cli.js'), '--dir', '--linux', '--x64', '--publish', 'never', `-c.electronDist=${stub}`, `-c.directories.output=${join(work, 'out')}`],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', reject);
    child.on('close', resolve);
  });
  log = log.replace(/\u001b\[[0-9;]*m/g, '');
  if (code !== 0) throw new Error(`electron-builder --dir failed (${code}):\n${log}`);
  resources = join(work, 'out/linux-unpacked/resources');
  files = asar.listPackage(join(resources, 'app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/'));
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const packaged = (path: string) => files.includes(`/${path}`);
const topLevelModules = () =>
  new Set(
    files
      .filter((f) => f.startsWith('/node_modules/'))
      .map((f) => f.split('/'))
      .map((p) => (p[2]!.startsWith('@') ? `${p[2]}/${p[3]}` : p[2]!)),
  );

describe('electron-builder --dir output', () => {
  it('contains the entry points the app starts from', async () => {
    for (const path of [
      'package.json',
      'dist/electron/shell/main.js',
      'dist/electron/shell/preload.cjs',
      'dist/electron/cli/fleetwatch.js',
      'dist/broker-core/index.js',
      'dist/renderer/index.html',
    ]) {
      expect(packaged(path), path).toBe(true);
    }
    const pkg = JSON.parse(asar.extractFile(join(resources, 'app.asar'), 'package.json').toString()) as { main: string };
    expect(packaged(pkg.main)).toBe(true);
  });

  it('holds only built output and node_modules: no sources, tests, maps, declarations or build info', () => {
    const outside = files.filter((f) => !/^\/(package\.json|dist|node_modules)(\/|$)/.test(f));
    expect(outside).toEqual([]);
    const ownFiles = files.filter((f) => f.startsWith('/dist/'));
    expect(ownFiles.filter((f) => /\.(ts|cts|svelte|map)$/.test(f) || f.includes('.tsbuild'))).toEqual([]);
  });

  it('bundles the production dependencies and none of the build/test tooling', () => {
    const modules = topLevelModules();
    for (const dep of ['ws', 'nedb-promises', 'serialport', 'mqtt']) expect(modules.has(dep), dep).toBe(true);
    for (const dev of ['electron', 'electron-builder', 'typescript', 'vite', 'vitest', 'svelte', 'svelte-check', 'playwright-core', 'eslint', 'tsx', 'aedes', 'chart.js', '@sveltejs/vite-plugin-svelte']) {
      expect(modules.has(dev), dev).toBe(false);
    }
  });

  it("unpacks serialport's native prebuilds next to the archive", () => {
    const native = files.filter((f) => f.endsWith('.node'));
    expect(native.length).toBeGreaterThan(0);
    for (const f of native) expect(existsSync(join(resources, 'app.asar.unpacked', f)), f).toBe(true);
    expect(existsSync(join(resources, 'app.asar.unpacked/node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node'))).toBe(true);
  });

  it('names the executable after the package and skipped the native rebuild', () => {
    expect(existsSync(join(work, 'out/linux-unpacked/fleetwatch'))).toBe(true);
    expect(log).toContain('skipped dependencies rebuild');
    expect(log).toContain('npmRebuild is set to false');
  });
});
