/**
 * Interoperability with Python paho-mqtt from Debian (/usr/bin/python3, python3-paho-mqtt 1.6):
 * each scenario in paho_scenarios.py runs as a real client process against our broker on
 * 127.0.0.1 and reports what it observed as JSON.
 */

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';

const PYTHON = '/usr/bin/python3';
const script = join(import.meta.dirname, 'paho_scenarios.py');
let b: TestBroker;

interface Message {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

function run<T>(scenario: string): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [script, scenario, '127.0.0.1', String(b.port), String(b.wsPort)], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`paho scenario ${scenario} failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`paho scenario ${scenario} printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing (apt-get install python3-paho-mqtt)`);
  b = await startTestBroker({
    sysInterval: 1,
    // only the auth scenario's user is checked; everyone else is anonymous and accepted
    authenticate: ({ username, password }) =>
      username === undefined ? 0 : username === 'fleet' && password !== undefined && Buffer.from(password).toString() === 'secret' ? 0 : 4,
  });
});
afterAll(async () => {
  await b.close();
});

describe('paho-mqtt (Python) against our broker', () => {
  it('[MQTT-4.3] exchanges QoS 0, 1 and 2 messages', async () => {
    const r = await run<{ granted: number[]; messages: Message[] }>('qos');
    expect(r.granted).toEqual([2]);
    expect(r.messages.map((m) => [m.topic, m.payload, m.qos, m.retain])).toEqual([
      ['paho/q/0', 'qos0', 0, false],
      ['paho/q/1', 'qos1', 1, false],
      ['paho/q/2', 'qos2', 2, false],
    ]);
  });

  it('[MQTT-3.3.5-1] delivers at the granted QoS when it is lower', async () => {
    const r = await run<{ granted: number[]; messages: Message[] }>('downgrade');
    expect(r.granted).toEqual([1]);
    expect(r.messages[0]).toMatchObject({ payload: 'two', qos: 1 });
  });

  it('[MQTT-3.3.1-6] [MQTT-3.3.1-9] [MQTT-3.3.1-10] retained: RETAIN=1 for a new subscription, 0 when forwarding, zero bytes delete', async () => {
    const r = await run<{ onSubscribe: Message[]; all: Message[] }>('retained');
    expect(r.onSubscribe).toEqual([{ topic: 'paho/r/a', payload: 'stored', qos: 1, retain: true }]);
    expect(r.all[1]).toEqual({ topic: 'paho/r/a', payload: 'live', qos: 1, retain: false });
  });

  it('[MQTT-3.1.2-8] [MQTT-3.1.2-10] publishes the will of a vanished client (retained), not of one that sent DISCONNECT', async () => {
    const r = await run<{ watcher: Message[]; retainedAfter: Message[] }>('will');
    expect(r.watcher).toEqual([{ topic: 'paho/status/dev', payload: 'offline', qos: 1, retain: false }]);
    expect(r.retainedAfter).toEqual([{ topic: 'paho/status/dev', payload: 'offline', qos: 1, retain: true }]);
  });

  it('[MQTT-3.2.2-2] [MQTT-3.1.2-5] resumes a clean-session-0 session with its queued messages', async () => {
    const r = await run<{ firstPresent: number; present: number; messages: Message[] }>('session');
    expect(r.firstPresent).toBe(0);
    expect(r.present).toBe(1);
    expect(r.messages.map((m) => m.payload)).toEqual(['queued-0', 'queued-1', 'queued-2']);
  });

  it('[MQTT-3.1.4-2] closes the first connection when a second one uses the same client id', async () => {
    const r = await run<{ firstDisconnected: boolean; secondConnack: number }>('takeover');
    expect(r).toEqual({ firstDisconnected: true, secondConnack: 0 });
  });

  it('serves paho over WebSocket (path /mqtt, subprotocol mqtt)', async () => {
    const r = await run<{ messages: Message[] }>('websocket');
    expect(r.messages).toEqual([{ topic: 'paho/ws/x', payload: 'over-websocket', qos: 1, retain: false }]);
  });

  it('[MQTT-4.7.2-1] [MQTT-3.3.5-1] wildcards: # skips $ topics, overlapping filters deliver one copy', async () => {
    const r = await run<{ messages: Message[] }>('wildcards');
    const topics = r.messages.map((m) => m.topic);
    expect(topics).toContain('$SYS/broker/version');
    expect(topics.filter((t) => t === 'a/w/b')).toHaveLength(1);
    expect(r.messages.find((m) => m.topic === 'a/w/b')?.qos).toBe(1);
    expect(topics).not.toContain('$internal/x');
  });

  it('[MQTT-3.10.4-2] stops delivering after UNSUBSCRIBE', async () => {
    const r = await run<{ messages: Message[] }>('unsubscribe');
    expect(r.messages.map((m) => m.topic)).toEqual(['paho/end']);
  });

  it('accepts MQTT 3.1 (MQIsdp) clients', async () => {
    expect(await run('protocol31')).toEqual({ connack: 0 });
  });

  it('[MQTT-3.1.2-24] disconnects a paho client that stops sending within 1.5 × keepalive', async () => {
    const r = await run<{ closedByBroker: boolean; afterSeconds: number }>('keepalive');
    expect(r.closedByBroker).toBe(true);
  });

  it('hands username and password to the authentication hook (CONNACK 4 for bad credentials)', async () => {
    expect(await run('auth')).toEqual({ good: 0, bad: 4 });
  });
});
