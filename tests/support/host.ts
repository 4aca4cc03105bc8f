/**
 * Starts the real headless host (`node dist/electron/cli/fleetwatch.js serve`) as a child
 * process on free ports with a fresh temporary data folder, and stops it again.
 * Needs the build (`npm test` builds first; or run `npm run build`).
 *
 *   const host = await startHost();
 *   // host.url (with token), host.port, host.mqttPort, host.dataDir
 *   await host.stop();
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const cliPath = join(repoRoot, 'dist/electron/cli/fleetwatch.js');

export interface HostOptions {
  /** extra arguments after `serve` (defaults already give --port 0 --mqtt-port 0 --data-dir <tmp>) */
  args?: string[];
  /** use this data folder instead of a fresh one (it is then not removed on stop) */
  dataDir?: string;
  /** wait for the MQTT listener line (default true); false when the broker is expected to fail */
  expectBroker?: boolean;
  env?: NodeJS.ProcessEnv;
  /** how long to wait for the URL line (default 60 s: a loaded CI machine) */
  timeoutMs?: number;
}

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  /** the MQTT TCP port, or null when expectBroker was false */
  mqttPort: number | null;
  dataDir: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** waits until stderr matches */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM (or the given signal), waits for exit, removes the temp folder; resolves the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function waitFor<T>(check: () => T | null, subscribe: (wake: () => void) => () => void, timeoutMs: number, what: () => string): Promise<T> {
  return new Promise((resolve, reject) => {
    const first = check();
    if (first !== null) return resolve(first);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what()}`));
    }, timeoutMs);
    const off = subscribe(() => {
      const v = check();
      if (v !== null) {
        clearTimeout(timer);
        off();
        resolve(v);
      }
    });
  });
}

export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run 'npm run build' first`);
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'fleetwatch-host-')));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(
    process.execPath,
    [cliPath, 'serve', '--port', '0', '--mqtt-port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  let exited = false;
  const wakers = new Set<() => void>();
  const wakeAll = (): void => wakers.forEach((w) => w());
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    wakeAll();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    wakeAll();
  });
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      wakeAll();
      resolve(code);
    }),
  );
  const subscribe = (wake: () => void): (() => void) => {
    wakers.add(wake);
    return () => wakers.delete(wake);
  };
  const describe = (what: string) => () => `${what} from 'fleetwatch serve'${exited ? ' (it exited)' : ''}\nstdout: ${out}\nstderr: ${err}`;
  const failIfExited = <T>(v: T | null): T | null => {
    if (v === null && exited) throw new Error(describe('output')());
    return v;
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (!exited) child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exit;
    clearTimeout(killer);
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    return code;
  };

  try {
    const url = await waitFor(
      () => failIfExited(/^(http:\/\/\S+)\n/m.exec(out)?.[1] ?? null),
      subscribe,
      timeoutMs,
      describe('the URL line'),
    );
    let mqttPort: number | null = null;
    if (options.expectBroker !== false) {
      const port = await waitFor(
        () => failIfExited(/mqtt listening on tcp \S+:(\d+)/.exec(err)?.[1] ?? null),
        subscribe,
        timeoutMs,
        describe('the MQTT listener line'),
      );
      mqttPort = Number(port);
    }
    const parsed = new URL(url);
    return {
      url,
      port: Number(parsed.port),
      token: parsed.searchParams.get('token') ?? '',
      mqttPort,
      dataDir,
      child,
      stdout: () => out,
      stderr: () => err,
      waitForStderr: (pattern, ms = timeoutMs) =>
        waitFor(() => failIfExited(pattern.exec(err)), subscribe, ms, describe(`stderr matching ${pattern}`)),
      stop,
    };
  } catch (e) {
    await stop('SIGKILL');
    throw e;
  }
}
