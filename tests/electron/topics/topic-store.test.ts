import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, entryCost, nodeCost, type TopicsLimits } from '../../../electron/services/topics/limits.js';
import { TopicStore } from '../../../electron/services/topics/topic-store.js';
import { msg } from './messages.js';

function limits(over: Partial<TopicsLimits> = {}): TopicsLimits {
  return { ...DEFAULT_LIMITS, ...over };
}


describe('topic store: per-topic state', () => {
  it('keeps the last message metadata, count and publisher of each topic', () => {
    const store = new TopicStore(limits());
    store.ingest(msg('lab/t1/temp', '20.5', { qos: 1, publisherId: 'tasmota-a', at: 1000 }));
    store.ingest(msg('lab/t1/temp', '21.0', { qos: 2, retain: true, publisherId: 'tasmota-b', at: 2000 }));
    store.ingest(msg('lab/t2/temp', '9', { at: 1500 }));

    const node = store.get('lab/t1/temp')!;
    expect(node).toMatchObject({ count: 2, qos: 2, retain: true, publisherId: 'tasmota-b', lastAt: 2000, size: 4 });
    expect(node.history.at(-1)!.data).toBe('21.0');
    expect(store.size).toBe(2);
    expect(store.messages).toBe(3);
  });

  it('stores a private copy of the payload, so later changes to the source bytes do not show', () => {
    const store = new TopicStore(limits());
    const bytes = new TextEncoder().encode('abc');
    store.ingest(msg('a', bytes));
    bytes[0] = 0x7a;
    expect(store.get('a')!.history[0]!.data).toBe('abc');
  });

  it('cuts payloads longer than the preview bound and keeps their real size', () => {
    const store = new TopicStore(limits({ previewBytes: 16 }));
    store.ingest(msg('big', 'x'.repeat(100)));
    const entry = store.get('big')!.history[0]!;
    expect(entry.data.length).toBe(16);
    expect(entry.size).toBe(100);
  });

  it('keeps at most historyLength messages per topic, oldest first, current last', () => {
    const store = new TopicStore(limits({ historyLength: 3 }));
    for (let i = 1; i <= 5; i++) store.ingest(msg('h', `v${i}`, { at: i }));
    const node = store.get('h')!;
    expect(node.history.map((e) => e.data)).toEqual(['v3', 'v4', 'v5']);
    expect(node.history.map((e) => e.at)).toEqual([3, 4, 5]);
    expect(node.count).toBe(5);
  });

  it('[MQTT-3.3.1-5] [MQTT-3.3.1-10] [MQTT-3.3.1-12] tracks whether the broker holds a retained message', () => {
    const store = new TopicStore(limits());
    store.ingest(msg('r', 'on', { retain: true }));
    expect(store.get('r')!.retained).toBe(true);
    store.ingest(msg('r', 'live', { retain: false }));
    expect(store.get('r')!).toMatchObject({ retained: true, retain: false });
    store.ingest(msg('r', '', { retain: true }));
    expect(store.get('r')!.retained).toBe(false);
  });

  it('reports a steady message rate close to the real one', () => {
    const store = new TopicStore(limits({ rateWindowMs: 10_000 }));
    for (let i = 0; i < 600; i++) store.ingest(msg('rate', '1', { at: i * 100 }));
    expect(store.get('rate')!.rate).toBeGreaterThan(9);
    expect(store.get('rate')!.rate).toBeLessThan(11);
  });
});

describe('topic store: memory budget and shedding', () => {
  it('keeps its running byte estimate equal to a full recount', () => {
    const store = new TopicStore(limits({ historyLength: 4, budgetBytes: 40_000 }));
    for (let i = 0; i < 2000; i++) store.ingest(msg(`t/${i % 97}`, 'p'.repeat(i % 50), { at: i }));
    expect(store.usedBytes).toBe(store.recount());
  });

  it('never stays over the budget after a message, and counts what it shed', () => {
    const budget = 60_000;
    const store = new TopicStore(limits({ historyLength: 10, budgetBytes: budget }));
    for (let i = 0; i < 5000; i++) {
      store.ingest(msg(`fleet/${i % 300}/state`, `{"n":${i}}`, { at: i }));
      expect(store.usedBytes).toBeLessThanOrEqual(budget);
    }
    expect(store.shed.historyEntries + store.shed.previews + store.shed.topics).toBeGreaterThan(0);
    expect(store.shed.bytes).toBeGreaterThan(0);
  });

  it('sheds old history of the coldest topics first and keeps every current value while that suffices', () => {
    const perTopic = nodeCost('t/0') + entryCost(10);
    // Room for 10 topics with one entry each, plus a little history.
    const store = new TopicStore(limits({ historyLength: 5, budgetBytes: perTopic * 10 + entryCost(10) * 8, lowWater: 1 }));
    for (let round = 0; round < 5; round++) {
      for (let t = 0; t < 10; t++) store.ingest(msg(`t/${t}`, `r${round}-t${t}`.padEnd(10, '.'), { at: round * 100 + t }));
    }
    expect(store.shed.historyEntries).toBeGreaterThan(0);
    expect(store.shed.previews).toBe(0);
    expect(store.shed.topics).toBe(0);
    for (let t = 0; t < 10; t++) expect(store.get(`t/${t}`)!.history.at(-1)!.data).toBe(`r4-t${t}`.padEnd(10, '.'));
    // Hottest topic kept more history than the coldest.
    expect(store.get('t/9')!.history.length).toBeGreaterThan(store.get('t/0')!.history.length);
    expect(store.get('t/0')!.historyShed).toBeGreaterThan(0);
  });

  it('sheds previews of cold topics next, keeping their metadata exact', () => {
    const store = new TopicStore(limits({ historyLength: 1, budgetBytes: 10 * (nodeCost('t/00') + entryCost(100)), lowWater: 1 }));
    for (let t = 0; t < 12; t++) store.ingest(msg(`t/${String(t).padStart(2, '0')}`, 'x'.repeat(100), { at: t, publisherId: `dev-${t}` }));
    expect(store.shed.previews).toBeGreaterThan(0);
    expect(store.shed.topics).toBe(0);
    const cold = store.get('t/00')!;
    expect(cold).toMatchObject({ previewShed: true, history: [], count: 1, size: 100, publisherId: 'dev-0' });
    expect(store.get('t/11')!.previewShed).toBe(false);
  });

  it('drops the coldest topics last, reports each removal, and never the topic being updated', () => {
    const removed: string[] = [];
    const budget = 5 * nodeCost('t/00') + entryCost(1);
    const store = new TopicStore(limits({ historyLength: 1, budgetBytes: budget, lowWater: 1 }), { onRemoved: (t) => removed.push(t) });
    for (let t = 0; t < 20; t++) store.ingest(msg(`t/${String(t).padStart(2, '0')}`, 'x', { at: t }));
    expect(store.shed.topics).toBeGreaterThan(0);
    expect(removed.length).toBe(store.shed.topics);
    expect(removed[0]).toBe('t/00');
    expect(store.get('t/19')).toBeDefined();
    expect(store.usedBytes).toBeLessThanOrEqual(budget);
    expect(store.size).toBe(20 - removed.length);
  });

  it('stops shedding at the low-water mark so a flood does not shed on every message', () => {
    const budget = 200_000;
    const store = new TopicStore(limits({ historyLength: 20, budgetBytes: budget, lowWater: 0.8 }));
    let passes = 0;
    let lastShed = 0;
    for (let i = 0; i < 20_000; i++) {
      store.ingest(msg(`f/${i % 100}`, '{"v":12345}', { at: i }));
      if (store.shed.historyEntries !== lastShed) {
        passes += 1;
        lastShed = store.shed.historyEntries;
      }
    }
    expect(lastShed).toBeGreaterThan(1000);
    // Each pass frees ~20% of the budget, far more than one message.
    expect(passes).toBeLessThan(lastShed / 20);
  });
});
