import { describe, expect, it } from 'vitest';
import { RetainedStore } from '../../../broker-core/topics/retained-store.js';
import type { RetainedRecord } from '../../../broker-core/persistence/persistence.js';

function record(topicName: string, qos: 0 | 1 | 2 = 0): RetainedRecord {
  return { topicName, payload: Buffer.from(topicName), qos, storedAt: 1, publisherId: 'p' };
}

function topics(store: RetainedStore, filter: string): string[] {
  return store.match(filter).map((r) => r.topicName).sort();
}

describe('retained store', () => {
  const names = ['a', 'a/b', 'a/b/c', 'a/c', 'b', '/x', '$SYS/broker/uptime', '$SYS', 'a/$d'];
  const store = new RetainedStore();
  for (const n of names) store.set(record(n));

  it.each([
    ['a', ['a']],
    ['a/#', ['a', 'a/$d', 'a/b', 'a/b/c', 'a/c']],
    ['a/+', ['a/$d', 'a/b', 'a/c']],
    ['+/b', ['a/b']],
    ['+/+', ['/x', 'a/$d', 'a/b', 'a/c']],
    ['+', ['a', 'b']],
    ['#', ['/x', 'a', 'a/$d', 'a/b', 'a/b/c', 'a/c', 'b']],
    ['$SYS/#', ['$SYS', '$SYS/broker/uptime']],
    ['$SYS/+/uptime', ['$SYS/broker/uptime']],
    ['nothing/#', []],
  ])('filter %s finds %j ([MQTT-4.7.2-1] no leading wildcard match of $ topics)', (filter, expected) => {
    expect(topics(store, filter)).toEqual(expected);
  });

  it('replaces the message of a topic and keeps one per topic', () => {
    const s = new RetainedStore();
    s.set(record('t', 1));
    s.set(record('t', 0));
    expect(s.size).toBe(1);
    expect(s.get('t')?.qos).toBe(0);
    expect(s.match('#')).toHaveLength(1);
  });

  it('deletes messages and prunes branches without losing neighbours', () => {
    const s = new RetainedStore();
    s.set(record('a/b/c'));
    s.set(record('a'));
    expect(s.delete('a/b/c')).toBe(true);
    expect(s.delete('a/b/c')).toBe(false);
    expect(topics(s, '#')).toEqual(['a']);
    expect(s.delete('a')).toBe(true);
    expect(s.size).toBe(0);
    expect(topics(s, '#')).toEqual([]);
  });

  it('finds 50 000 retained messages for a new # subscriber', () => {
    const s = new RetainedStore();
    for (let i = 0; i < 50_000; i++) s.set(record(`fleet/dev${i % 500}/sensor${i}`));
    expect(s.match('#')).toHaveLength(50_000);
    expect(s.match('fleet/dev7/+')).toHaveLength(100);
  });

  it('walks a 40 000-level topic without overflowing the stack', () => {
    const s = new RetainedStore();
    const deep = Array.from({ length: 40_000 }, () => 'x').join('/');
    s.set(record(deep));
    expect(s.match('#')).toHaveLength(1);
    expect(s.match('x/+/#')).toHaveLength(1);
    expect(s.delete(deep)).toBe(true);
  });
});
