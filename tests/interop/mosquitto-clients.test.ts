/**
 * Interoperability with Debian's mosquitto_pub / mosquitto_sub (libmosquitto 2.0) as real
 * client processes against our broker on 127.0.0.1.
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';

const PUB = '/usr/bin/mosquitto_pub';
const SUB = '/usr/bin/mosquitto_sub';
let b: TestBroker;
const children: ChildProcess[] = [];
let dir: string;

beforeAll(async () => {
  for (const tool of [PUB, SUB]) if (!existsSync(tool)) throw new Error(`${tool} is missing (apt-get install mosquitto-clients)`);
  dir = mkdtempSync(join(tmpdir(), 'fw-mosq-'));
  b = await startTestBroker({
    sysInterval: 1,
    limits: { maxPacketSize: 1024 * 1024 },
    authenticate: ({ username, password }) =>
      username === undefined ? 0 : username === 'fleet' && password !== undefined && Buffer.from(password).toString() === 'secret' ? 0 : 5,
  });
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function pub(args: string[], input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(PUB, ['-h', '127.0.0.1', '-p', String(b.port), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Starts mosquitto_sub and resolves once the broker has its subscription(s) in place. */
async function sub(clientId: string, args: string[], subscriptions = 1): Promise<{ child: ChildProcess; done: Promise<Result> }> {
  let added = 0;
  let ready!: () => void;
  const subscribed = new Promise<void>((r) => (ready = r));
  const off = b.broker.on('subscription.added', (e) => {
    if (e.clientId === clientId && ++added === subscriptions) ready();
  });
  const child = spawn(SUB, ['-h', '127.0.0.1', '-p', String(b.port), '-i', clientId, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Result>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  await Promise.race([subscribed, done]);
  off();
  return { child, done };
}

const FORMAT = ['-F', '%t|%q|%r|%p'];
const lines = (r: Result) => r.stdout.split('\n').filter((l) => l.length > 0);

describe('mosquitto_pub / mosquitto_sub against our broker', () => {
  it('[MQTT-4.3] carries QoS 0, 1 and 2 messages, delivered at the subscription QoS', async () => {
    const s = await sub('mq-qos', ['-t', 'mq/qos/#', '-q', '2', '-C', '3', ...FORMAT]);
    for (const q of [0, 1, 2]) expect((await pub(['-t', `mq/qos/${q}`, '-q', String(q), '-m', `q${q}`])).code).toBe(0);
    const r = await s.done;
    expect(lines(r).sort()).toEqual(['mq/qos/0|0|0|q0', 'mq/qos/1|1|0|q1', 'mq/qos/2|2|0|q2']);
  });

  it('[MQTT-3.3.1-8] [MQTT-3.3.1-9] [MQTT-3.3.1-10] retained: RETAIN=1 to a new subscription, 0 when forwarded, deleted by a zero-byte retained publish that still reaches subscribers', async () => {
    expect((await pub(['-t', 'mq/ret', '-q', '1', '-r', '-m', 'stored'])).code).toBe(0);
    const s = await sub('mq-ret', ['-t', 'mq/ret', '-q', '1', '-C', '3', ...FORMAT]);
    expect((await pub(['-t', 'mq/ret', '-q', '1', '-r', '-m', 'forwarded'])).code).toBe(0);
    expect((await pub(['-t', 'mq/ret', '-q', '1', '-r', '-n'])).code).toBe(0);
    const r = await s.done;
    expect(lines(r)).toEqual(['mq/ret|1|1|stored', 'mq/ret|1|0|forwarded', 'mq/ret|1|0|']);
    expect(b.broker.retained('mq/ret')).toEqual([]);
  });

  it('[MQTT-3.1.2-8] [MQTT-3.1.2-17] publishes the retained will of a mosquitto_sub that is killed', async () => {
    const watcher = await sub('mq-watch', ['-t', 'mq/status/#', '-q', '1', '-C', '1', ...FORMAT]);
    const doomed = await sub('mq-doomed', ['-t', 'mq/nothing', '--will-topic', 'mq/status/doomed', '--will-payload', 'offline', '--will-qos', '1', '--will-retain']);
    doomed.child.kill('SIGKILL');
    expect(lines(await watcher.done)).toEqual(['mq/status/doomed|1|0|offline']);
    expect(b.broker.retained('mq/status/doomed').map((r) => Buffer.from(r.payload).toString())).toEqual(['offline']);
  });

  it('[MQTT-3.1.2-5] queues QoS 1 messages for a disconnected clean-session-0 mosquitto_sub (-c) and delivers them in order', async () => {
    const first = await sub('mq-persist', ['-c', '-q', '1', '-t', 'mq/persist', '-E']);
    expect((await first.done).code).toBe(0);
    const input = Array.from({ length: 200 }, (_, i) => `m${i}`).join('\n') + '\n';
    expect((await pub(['-t', 'mq/persist', '-q', '1', '-l'], input)).code).toBe(0);
    const again = spawn(SUB, ['-h', '127.0.0.1', '-p', String(b.port), '-i', 'mq-persist', '-c', '-q', '1', '-t', 'mq/persist', '-C', '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(again);
    let out = '';
    again.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((r) => again.once('exit', r));
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
  });

  it('[MQTT-4.6.0-5] keeps the order of 2 000 QoS 1 messages from one publisher', async () => {
    const s = await sub('mq-order', ['-t', 'mq/order', '-q', '1', '-C', '2000']);
    const input = Array.from({ length: 2000 }, (_, i) => String(i)).join('\n') + '\n';
    expect((await pub(['-t', 'mq/order', '-q', '1', '-l'], input)).code).toBe(0);
    const r = await s.done;
    expect(lines(r)).toEqual(Array.from({ length: 2000 }, (_, i) => String(i)));
  });

  it('[MQTT-4.7.2-1] publishes $SYS statistics that a $SYS/# subscription sees', async () => {
    const s = await sub('mq-sys', ['-t', '$SYS/broker/uptime', '-C', '1', '-v']);
    expect((await s.done).stdout).toMatch(/^\$SYS\/broker\/uptime \d+ seconds\n$/);
  });

  it('serves MQTT 3.1 (-V mqttv31) clients and refuses MQTT 5 with CONNACK 0x01', async () => {
    expect((await pub(['-V', 'mqttv31', '-t', 'mq/v31', '-m', 'x'])).code).toBe(0);
    const v5 = await pub(['-V', 'mqttv5', '-t', 'mq/v5', '-m', 'x']);
    expect(v5.code).not.toBe(0);
    expect(v5.stderr).toMatch(/protocol version|Connection refused|Protocol error/i);
  });

  it('hands -u/-P to the authentication hook: accepted, or refused with CONNACK 5', async () => {
    expect((await pub(['-u', 'fleet', '-P', 'secret', '-t', 'mq/auth', '-m', 'x'])).code).toBe(0);
    const refused = await pub(['-u', 'fleet', '-P', 'wrong', '-t', 'mq/auth', '-m', 'x']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not authori[sz]ed/i);
  });

  it('carries a 900 KiB payload, and the broker closes a connection whose packet exceeds maxPacketSize', async () => {
    const s = await sub('mq-big', ['-t', 'mq/big', '-C', '1', '-N']);
    const file = join(dir, 'big.bin');
    writeFileSync(file, Buffer.alloc(900 * 1024, 0x61));
    expect((await pub(['-t', 'mq/big', '-f', file])).code).toBe(0);
    expect((await s.done).stdout.length).toBe(900 * 1024);
    const reasons: string[] = [];
    const off = b.broker.on('client.disconnected', (e) => reasons.push(e.reason));
    writeFileSync(file, Buffer.alloc(1100 * 1024, 0x61));
    await pub(['-t', 'mq/big', '-f', file, '-q', '1']);
    off();
    expect(reasons).toContain('limit-exceeded');
  });
});
