/**
 * `fleetwatch broker` as a process (the built CLI, as users and the benchmark run it): prints the
 * bound ports, serves MQTT over TCP and WebSocket, keeps state in its data folder across restarts
 * and crashes, and exits 0 on SIGTERM / SIGINT. Needs the build (`npm test` builds first).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { once, type EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';

const repoRoot = resolve(import.meta.dirname, '../..');
const cliPath = join(repoRoot, 'dist/electron/cli/fleetwatch.js');

interface RunningBroker {
  child: ChildProcess;
  port: number;
  wsPort: number | undefined;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fw-broker-cli-'));
  dirs.push(dir);
  return dir;
}

function spawnCli(args: string[]): { child: ChildProcess; output: () => { stdout: string; stderr: string }; exited: RunningBroker['exited'] } {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run 'npm run build' first`);
  const child = spawn(process.execPath, [cliPath, 'broker', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => ({ stdout, stderr }), exited };
}

async function startCli(args: string[]): Promise<RunningBroker> {
  const spawned = spawnCli(['--host', '127.0.0.1', '--port', '0', ...args]);
  const wantWs = args.includes('--ws-port');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { stdout, stderr } = spawned.output();
    const tcp = /fleetwatch broker listening on mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
    const ws = /fleetwatch broker listening on ws:\/\/127\.0\.0\.1:(\d+)\/mqtt/.exec(stdout);
    if (tcp && (!wantWs || ws)) return { ...spawned, port: Number(tcp[1]), wsPort: ws ? Number(ws[1]) : undefined };
    if (spawned.child.exitCode !== null || Date.now() > deadline) throw new Error(`broker did not start:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mqttOptions = { reconnectPeriod: 0, connectTimeout: 10_000 } as const;

describe('fleetwatch broker', () => {
  it('prints the ports it bound (port 0 picks free ones), serves TCP and WebSocket clients, and exits 0 on SIGTERM', async () => {
    const b = await startCli(['--ws-port', '0', '--data-dir', tempDir()]);
    expect(b.port).toBeGreaterThan(0);
    expect(b.wsPort).toBeGreaterThan(0);
    const tcp = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, mqttOptions);
    const ws = await mqtt.connectAsync(`ws://127.0.0.1:${b.wsPort}/mqtt`, mqttOptions);
    await ws.subscribeAsync('cli/#', { qos: 1 });
    const got = new Promise<string>((r) => ws.on('message', (_t, p) => r(p.toString())));
    await tcp.publishAsync('cli/x', 'through the cli', { qos: 1 });
    expect(await got).toBe('through the cli');
    await tcp.endAsync();
    await ws.endAsync();
    b.child.kill('SIGTERM');
    expect(await b.exited).toEqual({ code: 0, signal: null });
  });

  it('keeps retained messages and persistent sessions in --data-dir across a clean restart (SIGINT)', async () => {
    const dataDir = tempDir();
    const first = await startCli(['--data-dir', dataDir]);
    const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${first.port}`, { ...mqttOptions, clientId: 'cli-sub', clean: false });
    await sub.subscribeAsync('cli/q', { qos: 1 });
    await sub.endAsync();
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${first.port}`, mqttOptions);
    await pub.publishAsync('cli/retained', 'kept', { qos: 1, retain: true });
    await pub.publishAsync('cli/q', 'queued', { qos: 1 });
    await pub.endAsync();
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(0);

    const second = await startCli(['--data-dir', dataDir]);
    const received: string[] = [];
    // handler first: the queued message follows the CONNACK at once
    const back = mqtt.connect(`mqtt://127.0.0.1:${second.port}`, { ...mqttOptions, clientId: 'cli-sub', clean: false });
    back.on('message', (topic, payload) => received.push(`${topic}=${payload.toString()}`));
    await once(back as unknown as EventEmitter, 'connect');
    await back.subscribeAsync('cli/retained', { qos: 1 });
    await waitUntil(() => received.includes('cli/q=queued') && received.includes('cli/retained=kept'));
    await back.endAsync();
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('after SIGKILL, publishes at the next start the wills of clients that were connected', async () => {
    const dataDir = tempDir();
    const first = await startCli(['--data-dir', dataDir]);
    const dev = await mqtt.connectAsync(`mqtt://127.0.0.1:${first.port}`, {
      ...mqttOptions,
      clientId: 'doomed',
      will: { topic: 'status/doomed', payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await dev.publishAsync('status/doomed', 'online', { qos: 1, retain: true });
    first.child.kill('SIGKILL');
    await first.exited;
    dev.end(true);

    const second = await startCli(['--data-dir', dataDir]);
    const watcher = await mqtt.connectAsync(`mqtt://127.0.0.1:${second.port}`, mqttOptions);
    const value = new Promise<string>((r) => watcher.on('message', (_t, p) => r(p.toString())));
    await watcher.subscribeAsync('status/doomed', { qos: 1 });
    expect(await value).toBe('offline');
    await watcher.endAsync();
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('runs without persistence when asked', async () => {
    const b = await startCli(['--no-persistence']);
    // stderr and stdout are separate pipes: the notice may land just after the listening line.
    await waitUntil(() => /persistence off/.test(b.output().stderr));
    expect(b.output().stderr).toMatch(/persistence off/);
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });

  it('exits 1 with a message when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const run = spawnCli(['--host', '127.0.0.1', '--port', String(port), '--no-persistence']);
      expect((await run.exited).code).toBe(1);
      expect(run.output().stderr).toMatch(/cannot start.*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 with the usage on a bad argument, and 0 with --help', async () => {
    const bad = spawnCli(['--port', 'eighty']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.output().stderr).toMatch(/--port must be a whole number/);
    const help = spawnCli(['--help']);
    expect((await help.exited).code).toBe(0);
    expect(help.output().stdout).toMatch(/usage: fleetwatch broker/);
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
