import { afterEach, describe, expect, it } from 'vitest';
import type { RetainedRecord } from '../../../broker-core/index.js';
import type { TopicsChangesDto } from '../../../electron/contract/topics.js';
import type { TopicsLimits } from '../../../electron/services/topics/limits.js';
import { TopicsService, type TopicsBrokerPort } from '../../../electron/services/topics/topics-service.js';
import { FakeScheduler } from './fake-scheduler.js';
import { msg } from './messages.js';

/**
 * The service's batching and view logic against a hand-driven clock. The broker side here is
 * a plain retained map (exact-topic and `x/#` filters only); the same service against the
 * real broker is covered by topics-broker.test.ts.
 */
class RetainedMap implements TopicsBrokerPort {
  readonly records = new Map<string, RetainedRecord>();
  readonly published: { topicName: string; payload: Uint8Array; qos: number; retain: boolean }[] = [];
  async retained(filter: string): Promise<RetainedRecord[]> {
    if (filter === '#') return [...this.records.values()];
    if (filter.endsWith('/#')) {
      const base = filter.slice(0, -2);
      return [...this.records.values()].filter((r) => r.topicName === base || r.topicName.startsWith(`${base}/`));
    }
    const r = this.records.get(filter);
    return r ? [r] : [];
  }
  async clearRetained(topicName: string): Promise<void> {
    this.records.delete(topicName);
  }
  async restoreRetained(record: RetainedRecord): Promise<void> {
    this.records.set(record.topicName, record);
  }
  async publish(m: { topicName: string; payload: Uint8Array; qos: 0 | 1 | 2; retain: boolean }): Promise<void> {
    this.published.push(m);
  }
}

function setup(limits: Partial<TopicsLimits> = {}) {
  const clock = new FakeScheduler();
  const broker = new RetainedMap();
  const batches: TopicsChangesDto[] = [];
  const service = new TopicsService({ broker, emit: (b) => batches.push(b), scheduler: clock, limits: { batchIntervalMs: 250, ...limits } });
  const publish = (topic: string, payload: string, opts: Parameters<typeof msg>[2] = {}) =>
    service.ingest(msg(topic, payload, { at: clock.now(), ...opts }));
  return { clock, broker, batches, service, publish };
}

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

describe('topics service: batching', () => {
  it('sends nothing until the batch interval has passed, then one batch for many messages', () => {
    const { clock, batches, service, publish } = setup();
    dispose = () => service.dispose();
    for (let i = 0; i < 1000; i++) publish(`a/${i % 10}`, String(i));
    clock.advance(249);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.changed).toHaveLength(10);
    expect(batches[0]!.changed.find((n) => n.topicName === 'a/9')).toMatchObject({ value: '999', count: 100 });
  });

  it('sends at most one batch per interval under a continuous stream, each naming only what changed', () => {
    const { clock, batches, service, publish } = setup();
    dispose = () => service.dispose();
    for (let ms = 0; ms < 2000; ms += 10) {
      publish(ms < 1000 ? 'x/a' : 'x/b', String(ms));
      clock.advance(10);
    }
    clock.advance(250);
    expect(batches.length).toBeLessThanOrEqual(2000 / 250 + 1);
    expect(batches.length).toBeGreaterThanOrEqual(2000 / 250 - 1);
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(250);
    const late = batches.at(-2)!;
    expect(late.changed.map((n) => n.topicName)).toEqual(['x/b']);
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
  });

  it('keeps no timer while nothing changes', () => {
    const { clock, batches, service, publish } = setup();
    dispose = () => service.dispose();
    expect(clock.pending).toBe(0);
    publish('a', '1');
    expect(clock.pending).toBe(1);
    clock.advance(250);
    expect(clock.pending).toBe(0);
    clock.advance(10_000);
    expect(batches).toHaveLength(1);
  });

  it('splits more changed topics than maxBatchNodes over the following batches', () => {
    const { clock, batches, service, publish } = setup({ maxBatchNodes: 100 });
    dispose = () => service.dispose();
    for (let i = 0; i < 250; i++) publish(`many/${i}`, 'v');
    clock.advance(250);
    expect(batches.map((b) => b.changed.length)).toEqual([100]);
    clock.advance(500);
    expect(batches.map((b) => b.changed.length)).toEqual([100, 100, 50]);
    expect(new Set(batches.flatMap((b) => b.changed.map((n) => n.topicName))).size).toBe(250);
  });

  it('names topics shed by the memory budget in `removed`, and counts them in the stats', () => {
    const { clock, batches, service, publish } = setup({ budgetBytes: 6000, historyLength: 1, lowWater: 1 });
    dispose = () => service.dispose();
    for (let i = 0; i < 40; i++) publish(`shed/${String(i).padStart(2, '0')}`, 'x');
    clock.advance(250);
    const batch = batches[0]!;
    expect(batch.removed.length).toBeGreaterThan(0);
    expect(batch.removed).toContain('shed/00');
    expect(batch.stats.shed.topics).toBe(batch.removed.length);
    expect(batch.changed.map((n) => n.topicName)).not.toContain('shed/00');
    expect(batch.stats.memoryBytes).toBeLessThanOrEqual(6000);
    expect(service.recountBytes()).toBe(batch.stats.memoryBytes);
  });
});

describe('topics service: listeners', () => {
  it('builds no batch while no view listens, and a view that arrives starts from the snapshot', () => {
    const clock = new FakeScheduler();
    const batches: TopicsChangesDto[] = [];
    let listening = false;
    const service = new TopicsService({ broker: new RetainedMap(), emit: (b) => batches.push(b), scheduler: clock, hasListeners: () => listening });
    dispose = () => service.dispose();
    service.ingest(msg('quiet/1', 'a', { at: clock.now() }));
    clock.advance(250);
    expect(batches).toEqual([]);
    listening = true;
    const snap = service.snapshot();
    expect(snap.nodes.map((n) => n.topicName)).toEqual(['quiet/1']);
    service.ingest(msg('quiet/2', 'b', { at: clock.now() }));
    clock.advance(250);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.seq).toBe(snap.seq + 1);
  });
});

describe('topics service: pause', () => {
  it('freezes the view: paused batches carry stats with the buffer fill but no changes', () => {
    const { clock, batches, service, publish } = setup({ pauseBufferTopics: 100 });
    dispose = () => service.dispose();
    publish('p/0', 'before');
    clock.advance(250);
    const pause = service.setPaused(true);
    expect(pause).toMatchObject({ paused: true, since: clock.now(), bufferedTopics: 0, bufferCapacity: 100, overflowed: false });
    for (let i = 0; i < 300; i++) publish(`p/${i % 25}`, `during-${i}`);
    clock.advance(1000);
    const frozen = batches.slice(1);
    expect(frozen.length).toBeGreaterThan(0);
    for (const b of frozen) expect(b.changed).toEqual([]);
    expect(frozen.at(-1)!.stats.pause).toMatchObject({ paused: true, bufferedTopics: 25, messagesSincePause: 300 });
  });

  it('releases the buffered changes in one batch on resume, with each topic at its latest state', () => {
    const { clock, batches, service, publish } = setup({ pauseBufferTopics: 100 });
    dispose = () => service.dispose();
    service.setPaused(true);
    for (let i = 0; i < 300; i++) publish(`p/${i % 25}`, `during-${i}`);
    clock.advance(500);
    const before = batches.length;
    const resumed = service.setPaused(false);
    expect(resumed).toMatchObject({ paused: false, since: null, bufferedTopics: 0 });
    clock.advance(0);
    const release = batches[before]!;
    expect(release.changed).toHaveLength(25);
    expect(release.changed.find((n) => n.topicName === 'p/24')!.value).toBe('during-299');
    expect(release.stats.pause.paused).toBe(false);
  });

  it('on buffer overflow marks it, and resume asks the view to resync from a snapshot', () => {
    const { clock, batches, service, publish } = setup({ pauseBufferTopics: 10 });
    dispose = () => service.dispose();
    service.setPaused(true);
    for (let i = 0; i < 11; i++) publish(`o/${i}`, 'v');
    clock.advance(250);
    expect(batches.at(-1)!.stats.pause).toMatchObject({ overflowed: true, bufferedTopics: 0, messagesSincePause: 11 });
    publish('o/late', 'v');
    service.setPaused(false);
    clock.advance(0);
    const resync = batches.at(-1)!;
    expect(resync).toMatchObject({ resync: true, changed: [], removed: [] });
    const snap = service.snapshot();
    expect(snap.seq).toBe(resync.seq);
    expect(snap.nodes).toHaveLength(12);
  });
});

describe('topics service: snapshot, detail and search', () => {
  it('gives a snapshot whose seq tells which batches the view has already seen', () => {
    const { clock, batches, service, publish } = setup();
    dispose = () => service.dispose();
    publish('s/1', 'a');
    clock.advance(250);
    publish('s/2', 'b');
    const snap = service.snapshot();
    expect(snap.seq).toBe(batches.at(-1)!.seq);
    expect(snap.nodes.map((n) => n.topicName).sort()).toEqual(['s/1', 's/2']);
    clock.advance(250);
    expect(batches.at(-1)!.seq).toBe(snap.seq + 1);
  });

  it('shows text folded inline, binary as hex, and marks values cut to the inline bound', () => {
    const { service, publish } = setup({ valueChars: 12 });
    dispose = () => service.dispose();
    publish('v/text', '{\n  "a": 1\n}');
    publish('v/long', 'abcdefghijklmnopqrstuvwxyz');
    service.ingest(msg('v/bin', new Uint8Array([0, 1, 2, 0xff, 0xfe])));
    publish('v/empty', '');
    const nodes = new Map(service.snapshot().nodes.map((n) => [n.topicName, n]));
    expect(nodes.get('v/text')).toMatchObject({ value: '{ "a": 1 }', valueKind: 'text', valueCut: false });
    expect(nodes.get('v/long')).toMatchObject({ value: 'abcdefghijkl', valueKind: 'text', valueCut: true, size: 26 });
    expect(nodes.get('v/bin')).toMatchObject({ value: '00 01 02 ff', valueKind: 'binary', valueCut: true });
    expect(nodes.get('v/empty')).toMatchObject({ value: '', valueKind: 'empty' });
  });

  it('keeps a multi-byte character cut by the preview bound readable as text', () => {
    const { service, publish } = setup({ previewBytes: 5 });
    dispose = () => service.dispose();
    publish('utf', 'aaaa€uro');
    const node = service.snapshot().nodes[0]!;
    expect(node).toMatchObject({ value: 'aaaa', valueKind: 'text', valueCut: true });
  });

  it('gives the detail of a topic: history with timestamps and the truncated flag', async () => {
    const { clock, service, publish } = setup({ previewBytes: 8, historyLength: 3 });
    dispose = () => service.dispose();
    for (let i = 0; i < 4; i++) {
      publish('d', `value-number-${i}`, { publisherId: `dev-${i}` });
      clock.advance(1000);
    }
    const detail = (await service.detail('d'))!;
    expect(detail.history).toHaveLength(3);
    expect(detail.history.map((h) => h.publisherId)).toEqual(['dev-1', 'dev-2', 'dev-3']);
    expect(detail.history[1]!.at - detail.history[0]!.at).toBe(1000);
    const last = detail.history[2]!.payload;
    expect(Buffer.from(last.base64, 'base64').toString()).toBe('value-nu');
    expect(last).toMatchObject({ size: 14, truncated: true });
    expect(detail.retained).toBeNull();
    expect(await service.detail('nope')).toBeNull();
  });

  it("shows the broker's retained record (store time and publisher) in the detail", async () => {
    const { service, broker, publish } = setup();
    dispose = () => service.dispose();
    const payload = new TextEncoder().encode('ON');
    broker.records.set('lamp', { topicName: 'lamp', payload, qos: 1, storedAt: 12345, publisherId: 'tasmota-lamp' });
    publish('lamp', 'ON', { retain: true, publisherId: 'tasmota-lamp' });
    const detail = (await service.detail('lamp'))!;
    expect(detail.retained).toMatchObject({ storedAt: 12345, publisherId: 'tasmota-lamp', qos: 1, payload: { size: 2, truncated: false } });
  });

  it('seeds retained messages that were in the broker before it listened, with their store time', async () => {
    const { service, broker } = setup();
    dispose = () => service.dispose();
    broker.records.set('old/1', { topicName: 'old/1', payload: new TextEncoder().encode('x'), qos: 0, storedAt: 42, publisherId: 'p' });
    expect(await service.seedRetained()).toBe(1);
    expect(service.snapshot().nodes[0]).toMatchObject({ topicName: 'old/1', retained: true, lastAt: 42, publisherId: 'p' });
  });

  it('finds topics by payload text, case-insensitively, within a limit', () => {
    const { service, publish } = setup();
    dispose = () => service.dispose();
    publish('a/1', '{"Temperature": 20}');
    publish('a/2', '{"humidity": 40}');
    publish('a/3', 'temperature high');
    expect(service.searchPayload('TEMPERATURE').topicNames.sort()).toEqual(['a/1', 'a/3']);
    expect(service.searchPayload('temperature', 1)).toEqual({ topicNames: ['a/1'], truncated: true });
  });
});

describe('topics service: retained clear and undo', () => {
  function seed(s: ReturnType<typeof setup>) {
    for (const t of ['home/a', 'home/a/x', 'home/a/y', 'home/b']) {
      s.broker.records.set(t, { topicName: t, payload: new TextEncoder().encode(t), qos: 1, storedAt: 7, publisherId: 'orig' });
      s.publish(t, t, { retain: true, publisherId: 'orig' });
    }
  }

  it('counts and clears a whole subtree (the parent included), and marks the topics not retained', async () => {
    const s = setup();
    dispose = () => s.service.dispose();
    seed(s);
    expect(await s.service.retainedCount({ topicName: 'home/a', subtree: true })).toEqual({ count: 3, undoable: true });
    const res = await s.service.clearRetained({ topicName: 'home/a', subtree: true });
    expect(res.cleared).toBe(3);
    expect(res.undoId).not.toBeNull();
    expect([...s.broker.records.keys()]).toEqual(['home/b']);
    s.clock.advance(250);
    const changed = s.batches.at(-1)!.changed.filter((n) => n.topicName.startsWith('home/a'));
    expect(changed).toHaveLength(3);
    for (const n of changed) expect(n.retained).toBe(false);
  });

  it('hands the cleared records back to the store with one undo, only once', async () => {
    const s = setup();
    dispose = () => s.service.dispose();
    seed(s);
    const { undoId } = await s.service.clearRetained({ topicName: 'home/a', subtree: true });
    expect(await s.service.undoClear(undoId!)).toEqual({ restored: 3, skipped: 0 });
    expect(s.broker.records.get('home/a/x')).toMatchObject({ storedAt: 7, publisherId: 'orig' });
    expect((await s.service.detail('home/a/x'))!.node.retained).toBe(true);
    expect(await s.service.undoClear(undoId!)).toBeNull();
  });

  it('does not overwrite a topic that got a new retained message after the clear', async () => {
    const s = setup();
    dispose = () => s.service.dispose();
    seed(s);
    const { undoId } = await s.service.clearRetained({ topicName: 'home/a', subtree: true });
    s.broker.records.set('home/a/x', { topicName: 'home/a/x', payload: new TextEncoder().encode('new'), qos: 0, storedAt: 99, publisherId: 'newer' });
    expect(await s.service.undoClear(undoId!)).toEqual({ restored: 2, skipped: 1 });
    expect(s.broker.records.get('home/a/x')!.publisherId).toBe('newer');
  });

  it('clears without undo when the clear exceeds the undo bound, and says so before', async () => {
    const s = setup({ undoMaxTopics: 2 });
    dispose = () => s.service.dispose();
    seed(s);
    expect(await s.service.retainedCount({ topicName: 'home', subtree: true })).toEqual({ count: 4, undoable: false });
    expect(await s.service.clearRetained({ topicName: 'home', subtree: true })).toEqual({ cleared: 4, undoId: null });
  });

  it('clears one topic only when not asked for the subtree', async () => {
    const s = setup();
    dispose = () => s.service.dispose();
    seed(s);
    expect((await s.service.clearRetained({ topicName: 'home/a', subtree: false })).cleared).toBe(1);
    expect([...s.broker.records.keys()].sort()).toEqual(['home/a/x', 'home/a/y', 'home/b']);
  });

  it('publishes text payloads through the broker port', async () => {
    const s = setup();
    dispose = () => s.service.dispose();
    await s.service.publish({ topicName: 'cmnd/lamp/POWER', payload: 'ON', qos: 1, retain: true });
    expect(s.broker.published[0]).toMatchObject({ topicName: 'cmnd/lamp/POWER', qos: 1, retain: true });
    expect(new TextDecoder().decode(s.broker.published[0]!.payload)).toBe('ON');
  });
});
