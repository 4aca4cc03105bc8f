/**
 * The broker side of persistence: state survives a restart (memory store kept across instances,
 * and real nedb files), acknowledgements wait for the writes they acknowledge, in order, and the
 * wills of clients connected at a crash are published at the next start.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { text } from '../../support/raw-broker-harness.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/raw-client.js';
import { controlled } from '../../support/controlled-persistence.js';
import { createBroker, createMemoryPersistence, createMemoryStore, type Persistence } from '../../../broker-core/index.js';
import { createNedbPersistence } from '../../../electron/persistence/nedb-persistence.js';

const clients: RawClient[] = [];
const brokers: TestBroker[] = [];
const dirs: string[] = [];

async function start(persistence: Persistence) {
  const b = await startTestBroker({ persistence });
  brokers.push(b);
  return b;
}
async function connect(b: TestBroker, opts: Parameters<typeof RawClient.connect>[1] = {}) {
  const r = await RawClient.connect(b.port, opts);
  clients.push(r.client);
  return r;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const b of brokers.splice(0)) await b.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Backend {
  name: string;
  /** a factory returning a fresh Persistence instance over the same durable state */
  make(): () => Persistence;
}
const backends: Backend[] = [
  {
    name: 'memory store kept across instances',
    make() {
      const store = createMemoryStore();
      return () => createMemoryPersistence({ store });
    },
  },
  {
    name: 'nedb files',
    make() {
      const dir = mkdtempSync(join(tmpdir(), 'fw-broker-nedb-'));
      dirs.push(dir);
      return () => createNedbPersistence({ dir, compactEveryMs: 0 });
    },
  },
];

describe.each(backends)('restart with $name', (backend) => {
  it('keeps retained messages, persistent sessions with their subscriptions and queued messages', async () => {
    const open = backend.make();
    const first = await start(open());
    const sub = await connect(first, { clientId: 'keeper', cleanSession: false });
    await sub.client.subscribe('k/#', 1);
    await sub.client.disconnect();
    const pub = await connect(first);
    pub.client.publish('k/retained', 'kept', { qos: 1, retain: true, packetId: 1 });
    await pub.client.next('puback');
    for (let i = 0; i < 3; i++) {
      pub.client.publish('k/queue', `q${i}`, { qos: 1, packetId: 10 + i });
      await pub.client.next('puback');
    }
    await first.close();

    const second = await start(open());
    expect(second.broker.retainedCount()).toBe(1);
    const back = await connect(second, { clientId: 'keeper', cleanSession: false });
    expect(back.connack.sessionPresent).toBe(true);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await back.client.nextPublish('k/queue');
      got.push(text(p));
      back.client.send({ type: 'puback', packetId: p.packetId! });
    }
    expect(got).toEqual(['q0', 'q1', 'q2']);
    // the subscription came back too: a new message is routed to it
    const pub2 = await connect(second);
    pub2.client.publish('k/new', 'live', { qos: 1, packetId: 1 });
    expect(text(await back.client.nextPublish('k/new'))).toBe('live');
    const late = await connect(second);
    await late.client.subscribe('k/retained', 0);
    expect(text(await late.client.nextPublish('k/retained'))).toBe('kept');
  });

  it('restores a cleared retained message with its original publisher and store time, and keeps both across a restart', async () => {
    const open = backend.make();
    const first = await start(open());
    const pub = await connect(first, { clientId: 'tasmota-lab-07' });
    pub.client.publish('tele/lab-07/LWT', 'Online', { qos: 1, retain: true, packetId: 1 });
    await pub.client.next('puback');
    const [original] = first.broker.retained('tele/lab-07/LWT');
    await first.broker.clearRetained('tele/lab-07/LWT');
    expect(first.broker.retained('#')).toEqual([]);
    await new Promise((r) => setTimeout(r, 5)); // so "now" differs from the original store time
    await first.broker.restoreRetained(original!);
    const restored = first.broker.retained('tele/lab-07/LWT')[0]!;
    expect({ ...restored, payload: Buffer.from(restored.payload).toString() }).toEqual({ ...original!, payload: 'Online' });
    await first.close();

    const second = await start(open());
    const back = second.broker.retained('tele/lab-07/LWT')[0]!;
    expect({ publisherId: back.publisherId, storedAt: back.storedAt, qos: back.qos }).toEqual({ publisherId: 'tasmota-lab-07', storedAt: original!.storedAt, qos: 1 });
  });

  it('[MQTT-4.4.0-1] re-sends inflight messages with DUP and their packet ids, and PUBREL for released ones, after a restart', async () => {
    const open = backend.make();
    const first = await start(open());
    const sub = await connect(first, { clientId: 'resend', cleanSession: false });
    await sub.client.subscribe('r/#', 2);
    const pub = await connect(first);
    pub.client.publish('r/1', 'one', { qos: 1, packetId: 1 });
    pub.client.publish('r/2', 'two', { qos: 2, packetId: 2 });
    const one = await sub.client.nextPublish('r/1');
    const two = await sub.client.nextPublish('r/2');
    await pub.client.next('puback');
    await pub.client.next('pubrec');
    sub.client.send({ type: 'pubrec', packetId: two.packetId! });
    await sub.client.next('pubrel');
    sub.client.destroy();
    await sub.client.closed;
    await first.close();

    const second = await start(open());
    const back = await connect(second, { clientId: 'resend', cleanSession: false });
    const again = await back.client.nextPublish('r/1');
    expect([again.dup, again.packetId, text(again)]).toEqual([true, one.packetId, 'one']);
    expect(await back.client.next('pubrel')).toEqual({ type: 'pubrel', packetId: two.packetId });
  });

  it('[MQTT-4.3.3-2] remembers inbound QoS 2 packet ids across a restart: a re-sent PUBLISH is not delivered twice', async () => {
    const open = backend.make();
    const first = await start(open());
    const watcher = await connect(first, { clientId: 'watch', cleanSession: false });
    await watcher.client.subscribe('x2', 1);
    const pub = await connect(first, { clientId: 'qos2-pub', cleanSession: false });
    pub.client.publish('x2', 'exactly-once', { qos: 2, packetId: 42 });
    await pub.client.next('pubrec');
    const delivered = await watcher.client.nextPublish('x2');
    watcher.client.send({ type: 'puback', packetId: delivered.packetId! });
    await watcher.client.sync();
    await first.close();

    const second = await start(open());
    const w2 = await connect(second, { clientId: 'watch', cleanSession: false });
    const p2 = await connect(second, { clientId: 'qos2-pub', cleanSession: false });
    p2.client.publish('x2', 'exactly-once', { qos: 2, packetId: 42, dup: true });
    expect(await p2.client.next('pubrec')).toEqual({ type: 'pubrec', packetId: 42 });
    p2.client.send({ type: 'pubrel', packetId: 42 });
    await p2.client.next('pubcomp');
    await w2.client.sync();
    expect(w2.client.hasPublish('x2')).toBe(false);
  });

  it('keeps the cumulative message and byte counters across a restart', async () => {
    const open = backend.make();
    const first = await start(open());
    const pub = await connect(first);
    for (let i = 0; i < 5; i++) {
      pub.client.publish('count', 'x', { qos: 1, packetId: i + 1 });
      await pub.client.next('puback');
    }
    const before = first.broker.stats();
    await first.close();
    const second = await start(open());
    const after = second.broker.stats();
    expect(after.publishReceived).toBe(before.publishReceived);
    expect(after.messagesReceived).toBe(before.messagesReceived);
    expect(after.bytesSent).toBe(before.bytesSent);
  });

  it('publishes at start the wills of clients that were connected when the broker crashed, once', async () => {
    const open = backend.make();
    const crashing = controlled(open());
    const first = await start(crashing);
    await connect(first, { clientId: 'dev', will: { topicName: 'status/dev', payload: Buffer.from('offline'), qos: 1, retain: true } });
    await crashing.flush();
    crashing.crash(); // nothing below reaches the disk, as if the process had died here
    await first.close();

    const wills: string[] = [];
    const second = createBrokerWithEvents(open(), wills);
    await second.start();
    expect(wills).toEqual(['dev:server-shutdown']);
    expect(second.retained('status/dev').map((r) => Buffer.from(r.payload).toString())).toEqual(['offline']);
    await second.close();
    const third = createBrokerWithEvents(open(), wills);
    await third.start();
    expect(wills).toEqual(['dev:server-shutdown']); // deleted after publishing: not again
    await third.close();
  });
});

function createBrokerWithEvents(persistence: Persistence, wills: string[]) {
  const broker = createBroker({ persistence, sysInterval: 0 });
  broker.on('will.published', (e) => wills.push(`${e.clientId}:${e.reason}`));
  return broker;
}

describe('acknowledgement ordering', () => {
  async function gated() {
    const persistence = controlled(createMemoryPersistence());
    const b = await start(persistence);
    return { b, persistence };
  }

  it('sends PUBACK for a retained publish only after the retained record is written, and keeps later acks behind it', async () => {
    const { b, persistence } = await gated();
    const pub = await connect(b, { clientId: 'p' });
    persistence.hold();
    pub.client.publish('ret', 'v', { qos: 1, retain: true, packetId: 1 });
    pub.client.publish('plain', 'v', { qos: 1, packetId: 2 }); // needs no write, but must not overtake
    await pub.client.sync();
    expect(pub.client.received.filter((p) => p.type === 'puback')).toEqual([]);
    expect(persistence.calls).toContain('putRetained');
    persistence.release();
    expect(await pub.client.next('puback')).toEqual({ type: 'puback', packetId: 1 });
    expect(await pub.client.next('puback')).toEqual({ type: 'puback', packetId: 2 });
  });

  it('sends PUBREC only after the inbound QoS 2 id and the outbound records for persistent subscribers are written', async () => {
    const { b, persistence } = await gated();
    const sub = await connect(b, { clientId: 's', cleanSession: false });
    await sub.client.subscribe('q', 2);
    await sub.client.disconnect();
    const pub = await connect(b, { clientId: 'p', cleanSession: false });
    persistence.hold();
    const before = persistence.calls.length;
    pub.client.publish('q', 'v', { qos: 2, packetId: 3 });
    await pub.client.sync();
    expect(pub.client.received.filter((p) => p.type === 'pubrec')).toEqual([]);
    expect(persistence.calls.slice(before)).toEqual(['putIncomingQos2', 'putOutbound']);
    persistence.release();
    expect(await pub.client.next('pubrec')).toEqual({ type: 'pubrec', packetId: 3 });
  });

  it('does not wait for persistence for QoS 0 or for clean-session subscribers', async () => {
    const { b, persistence } = await gated();
    const sub = await connect(b, { clientId: 'clean-sub', cleanSession: true });
    await sub.client.subscribe('fast', 1);
    const pub = await connect(b, { clientId: 'p' });
    persistence.hold();
    const before = persistence.calls.length;
    pub.client.publish('fast', 'a', { qos: 0 });
    pub.client.publish('fast', 'b', { qos: 1, packetId: 1 });
    expect(await pub.client.next('puback')).toEqual({ type: 'puback', packetId: 1 });
    expect(persistence.calls.slice(before)).toEqual([]);
    persistence.release();
  });

  it('does not acknowledge, and closes the connection, when the write fails', async () => {
    const { b, persistence } = await gated();
    const problems: string[] = [];
    b.broker.on('persistence.problem', (p) => problems.push(p.store));
    const reasons: string[] = [];
    b.broker.on('client.disconnected', (e) => reasons.push(e.reason));
    const pub = await connect(b, { clientId: 'p' });
    persistence.failWrites();
    pub.client.publish('ret', 'v', { qos: 1, retain: true, packetId: 1 });
    await pub.client.closed;
    expect(pub.client.received.filter((p) => p.type === 'puback')).toEqual([]);
    expect(reasons).toEqual(['server-error']);
    expect(problems).toContain('putRetained');
    persistence.healWrites();
  });
});

describe('without a persistence', () => {
  it('keeps sessions only in memory: a new broker starts empty', async () => {
    const first = await startTestBroker();
    brokers.push(first);
    await first.broker.inline.publish({ topicName: 'r', payload: 'x', retain: true });
    await first.close();
    const second = await startTestBroker();
    brokers.push(second);
    expect(second.broker.retainedCount()).toBe(0);
  });
});
