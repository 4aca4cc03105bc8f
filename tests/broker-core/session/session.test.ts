import { describe, expect, it } from 'vitest';
import { Session, type OutboundMessage } from '../../../broker-core/session/session.js';
import { Fifo } from '../../../broker-core/session/fifo.js';

function msg(session: Session, topicName = 't', qos: 1 | 2 = 1): OutboundMessage {
  return { seq: session.takeSeq(), topicName, payload: Buffer.from('x'), qos, retain: false, state: 'queued', packetId: 0, template: undefined };
}

describe('session', () => {
  it('[MQTT-2.3.1-2] allocates packet ids that are non-zero and not in use, wrapping after 65535', () => {
    const s = new Session('c', false, 0, 0);
    const held = msg(s);
    s.startInflight(held);
    expect(held.packetId).toBe(1);
    const ids = new Set<number>();
    for (let i = 0; i < 65_534; i++) {
      const m = msg(s);
      s.startInflight(m);
      ids.add(m.packetId);
      s.complete(m.packetId);
    }
    expect(ids.has(0)).toBe(false);
    expect(Math.max(...ids)).toBe(65_535);
    // next allocation wraps to 1, which is still held: it must be skipped
    const next = msg(s);
    s.startInflight(next);
    expect(next.packetId).toBe(2);
  });

  it('keeps the inflight window bounded and feeds it from the queue in order', () => {
    const s = new Session('c', false, 0, 0);
    const sent: OutboundMessage[] = [];
    for (let i = 0; i < 5; i++) {
      const m = msg(s, `t${i}`);
      if (s.canSendNow(2)) {
        s.startInflight(m);
        sent.push(m);
      } else {
        s.enqueue(m, 100);
      }
    }
    expect(s.inflightCount).toBe(2);
    expect(s.queuedCount).toBe(3);
    expect(s.dequeueForSend(2)).toBeUndefined();
    s.complete(sent[0]!.packetId);
    const third = s.dequeueForSend(2);
    expect(third?.topicName).toBe('t2');
    expect(third?.state).toBe('inflight');
    expect([...s.inflight()].map((m) => m.topicName)).toEqual(['t1', 't2']);
    expect([...s.queued()].map((m) => m.topicName)).toEqual(['t3', 't4']);
  });

  it('refuses to queue beyond the bound and counts each dropped message', () => {
    const s = new Session('c', false, 0, 0);
    expect(s.enqueue(msg(s), 2)).toBe(true);
    expect(s.enqueue(msg(s), 2)).toBe(true);
    expect(s.enqueue(msg(s), 2)).toBe(false);
    expect(s.enqueue(msg(s), 2)).toBe(false);
    expect(s.queuedCount).toBe(2);
    expect(s.dropped).toBe(2);
  });

  it('numbers outbound messages monotonically and continues after restored numbers', () => {
    const s = new Session('c', false, 0, 0);
    s.observeSeq(41);
    expect(s.takeSeq()).toBe(42);
    s.observeSeq(10);
    expect(s.takeSeq()).toBe(43);
  });

  it('tracks subscriptions with replacement', () => {
    const s = new Session('c', true, 0, 0);
    expect(s.addSubscription('a/#', 1)).toBe(true);
    expect(s.addSubscription('a/#', 2)).toBe(false);
    expect(s.getSubscription('a/#')).toBe(2);
    expect(s.addSubscription('b', 0)).toBe(true);
    expect(s.addSubscription('c', 1)).toBe(true);
    expect(s.subscriptionEntries()).toEqual([['a/#', 2], ['b', 0], ['c', 1]]);
    expect(s.removeSubscription('a/#')).toBe(true);
    expect(s.removeSubscription('a/#')).toBe(false);
    expect(s.subscriptionCount).toBe(2);
    s.clearSubscriptions();
    expect(s.subscriptionEntries()).toEqual([]);
  });
});

describe('fifo', () => {
  it('keeps order across many pushes and shifts', () => {
    const f = new Fifo<number>();
    let next = 0;
    for (let i = 0; i < 5000; i++) {
      f.push(i);
      if (i % 3 === 0) expect(f.shift()).toBe(next++);
    }
    expect(f.length).toBe(5000 - next);
    expect([...f][0]).toBe(next);
    while (f.length > 0) expect(f.shift()).toBe(next++);
    expect(f.shift()).toBeUndefined();
  });

  it('keeps first-in first-out order when its ring wraps around and grows while wrapped', () => {
    const f = new Fifo<number>();
    const expected: number[] = [];
    let n = 0;
    // push 10, shift 7, repeatedly: the head walks round the ring while it keeps growing
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 10; i++) {
        f.push(n);
        expected.push(n++);
      }
      for (let i = 0; i < 7; i++) expect(f.shift()).toBe(expected.shift());
      expect(f.length).toBe(expected.length);
    }
    expect([...f]).toEqual(expected);
    expect(f.peek()).toBe(expected[0]);
    while (f.length > 0) expect(f.shift()).toBe(expected.shift());
    // emptied: starts over small and still works
    f.push(1);
    expect([...f]).toEqual([1]);
  });
});
