import { describe, expect, it } from 'vitest';
import { TopicIndex, type IndexSubscriber } from '../../../broker-core/topics/topic-index.js';
import type { QoS } from '../../../broker-core/codec/packets.js';

class Sub implements IndexSubscriber {
  matchGen = 0;
  matchQos: QoS = 0;
  constructor(readonly name: string) {}
}

function matches(index: TopicIndex<Sub>, topicName: string): Record<string, QoS> {
  const { subscribers, qos } = index.match(topicName);
  const out: Record<string, QoS> = {};
  subscribers.forEach((s, i) => {
    expect(out[s.name]).toBeUndefined();
    out[s.name] = qos[i] as QoS;
  });
  return out;
}

function filterMatches(filter: string, topicName: string): boolean {
  const index = new TopicIndex<Sub>();
  index.add(filter, new Sub('s'), 0);
  return index.match(topicName).subscribers.length === 1;
}

describe('topic index', () => {
  it.each([
    // [MQTT-4.7.1-2] the multi-level wildcard matches the parent and any number of child levels
    ['sport/tennis/player1/#', 'sport/tennis/player1', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
    ['sport/#', 'sport', true],
    ['#', 'sport/tennis', true],
    ['#', '/', true],
    // [MQTT-4.7.1-3] the single-level wildcard matches exactly one level
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['sport/+', 'sport', false],
    ['sport/+', 'sport/', true],
    ['+', 'sport', true],
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['+/tennis/#', 'sport/tennis', true],
    ['sport/+/player1', 'sport/tennis/player1', true],
    // exact names, case-sensitive, empty levels are levels
    ['a/b', 'a/b', true],
    ['a/b', 'A/b', false],
    ['a//b', 'a//b', true],
    ['a//b', 'a/b', false],
    ['a/b', 'a/b/', false],
  ])('filter %s matches %s: %s', (filter, topic, expected) => {
    expect(filterMatches(filter, topic)).toBe(expected);
  });

  it.each([
    ['#', '$SYS/broker/uptime', false],
    ['+/monitor/Clients', '$SYS/monitor/Clients', false],
    ['$SYS/#', '$SYS/monitor/Clients', true],
    ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
    ['$SYS/#', '$SYS', true],
    ['+/#', '$foo/bar', false],
    ['a/+', 'a/$b', true],
    ['a/#', 'a/$b', true],
  ])('[MQTT-4.7.2-1] filter %s against $-topic %s: %s', (filter, topic, expected) => {
    expect(filterMatches(filter, topic)).toBe(expected);
  });

  it('[MQTT-3.3.5-1] yields a subscriber once with the highest QoS of its overlapping filters', () => {
    const index = new TopicIndex<Sub>();
    const a = new Sub('a');
    const b = new Sub('b');
    index.add('home/#', a, 0);
    index.add('home/+/temp', a, 2);
    index.add('home/kitchen/temp', a, 1);
    index.add('#', b, 1);
    expect(matches(index, 'home/kitchen/temp')).toEqual({ a: 2, b: 1 });
    expect(matches(index, 'home/kitchen')).toEqual({ a: 0, b: 1 });
    expect(matches(index, 'office')).toEqual({ b: 1 });
  });

  it('[MQTT-3.8.4-3] adding the same filter again replaces its QoS instead of adding a second subscription', () => {
    const index = new TopicIndex<Sub>();
    const a = new Sub('a');
    index.add('x/y', a, 2);
    index.add('x/y', a, 0);
    expect(index.size).toBe(1);
    expect(matches(index, 'x/y')).toEqual({ a: 0 });
  });

  it('removes subscriptions and prunes emptied branches', () => {
    const index = new TopicIndex<Sub>();
    const a = new Sub('a');
    const b = new Sub('b');
    index.add('a/+/c', a, 1);
    index.add('a/#', a, 1);
    index.add('a/b/c', b, 0);
    expect(index.remove('a/+/c', a)).toBe(true);
    expect(index.remove('a/+/c', a)).toBe(false);
    expect(index.remove('a/b', a)).toBe(false);
    expect(matches(index, 'a/b/c')).toEqual({ a: 1, b: 0 });
    expect(index.remove('a/#', a)).toBe(true);
    expect(matches(index, 'a/b/c')).toEqual({ b: 0 });
    expect(index.remove('a/b/c', b)).toBe(true);
    expect(index.size).toBe(0);
    expect(matches(index, 'a/b/c')).toEqual({});
    // the root must be empty again: a fresh subscription still works
    index.add('a/b/c', b, 2);
    expect(matches(index, 'a/b/c')).toEqual({ b: 2 });
  });

  it('keeps many subscribers of one filter and many sibling branches, and shrinks back', () => {
    const index = new TopicIndex<Sub>();
    const subs = Array.from({ length: 5 }, (_, i) => new Sub(`s${i}`));
    for (const s of subs) index.add('same/filter', s, 1);
    for (let i = 0; i < 5; i++) index.add(`dev/${i}/#`, subs[i]!, 0);
    expect(Object.keys(matches(index, 'same/filter')).sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(matches(index, 'dev/3/x')).toEqual({ s3: 0 });
    for (let i = 0; i < 4; i++) {
      expect(index.remove('same/filter', subs[i]!)).toBe(true);
      expect(index.remove(`dev/${i}/#`, subs[i]!)).toBe(true);
    }
    expect(matches(index, 'same/filter')).toEqual({ s4: 1 });
    expect(matches(index, 'dev/4')).toEqual({ s4: 0 });
    expect(matches(index, 'dev/0/x')).toEqual({});
    expect(index.size).toBe(2);
  });

  it('matches a topic with 40 000 levels without overflowing the stack', () => {
    const index = new TopicIndex<Sub>();
    const deep = Array.from({ length: 40_000 }, () => 'x').join('/');
    index.add('#', new Sub('all'), 0);
    index.add('+/+/#', new Sub('plus'), 0);
    index.add(deep, new Sub('exact'), 1);
    expect(matches(index, deep)).toEqual({ all: 0, plus: 0, exact: 1 });
    expect(index.remove(deep, new Sub('other'))).toBe(false);
  });

  it('never answers from a stale cache after subscriptions change', () => {
    const index = new TopicIndex<Sub>();
    const a = new Sub('a');
    const b = new Sub('b');
    index.add('t/+', a, 0);
    expect(matches(index, 't/1')).toEqual({ a: 0 });
    expect(matches(index, 't/1')).toEqual({ a: 0 });
    index.add('t/#', b, 2);
    expect(matches(index, 't/1')).toEqual({ a: 0, b: 2 });
    index.add('t/+', a, 1);
    expect(matches(index, 't/1')).toEqual({ a: 1, b: 2 });
    index.remove('t/+', a);
    expect(matches(index, 't/1')).toEqual({ b: 2 });
    for (let i = 0; i < 3000; i++) index.match(`t/${i}`); // more topics than the cache holds
    expect(matches(index, 't/2999')).toEqual({ b: 2 });
  });

  it('keeps nested match results independent (results are copied out of the scratch fields)', () => {
    const index = new TopicIndex<Sub>();
    const a = new Sub('a');
    index.add('t/1', a, 2);
    index.add('t/2', a, 0);
    const first = index.match('t/1');
    index.match('t/2');
    expect(first.qos).toEqual([2]);
  });
});
