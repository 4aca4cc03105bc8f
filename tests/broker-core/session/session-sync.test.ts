/**
 * SessionSync hands acknowledged outbound records to the persistence in batches, without ever
 * changing the order in which mutations reach it.
 */

import { describe, expect, it } from 'vitest';
import { Session, type OutboundMessage } from '../../../broker-core/session/session.js';
import { SessionSync } from '../../../broker-core/session/session-sync.js';
import { createMemoryPersistence, type Persistence } from '../../../broker-core/index.js';

function recorder(): { persistence: Persistence; calls: string[] } {
  const inner = createMemoryPersistence();
  void inner.load();
  const calls: string[] = [];
  const persistence = new Proxy(inner, {
    get(target, name: string) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${name} ${JSON.stringify(args.map((a) => (typeof a === 'object' && a !== null && 'seq' in a ? (a as { seq: number }).seq : a)))}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { persistence, calls };
}

const message = (seq: number): OutboundMessage => ({ seq, topicName: 't', payload: new Uint8Array(1), qos: 1, retain: false, state: 'inflight', packetId: seq, template: undefined });

describe('SessionSync acknowledgements', () => {
  it('hands the acknowledgements of one task over as one deleteOutboundMany per session, at the end of the task', async () => {
    const { persistence, calls } = recorder();
    const sync = new SessionSync(persistence, () => undefined);
    const a = new Session('a', false, 0, 0);
    const b = new Session('b', false, 0, 0);
    sync.ackOutbound(a, message(1));
    sync.ackOutbound(b, message(7));
    sync.ackOutbound(a, message(2));
    expect(calls).toEqual([]);
    await Promise.resolve();
    expect(calls).toEqual(['deleteOutboundMany ["a",[1,2]]', 'deleteOutboundMany ["b",[7]]']);
  });

  it('hands pending acknowledgements over before any later mutation, so call order stays apply order', () => {
    const { persistence, calls } = recorder();
    const sync = new SessionSync(persistence, () => undefined);
    const a = new Session('a', false, 0, 0);
    sync.ackOutbound(a, message(1));
    sync.deleteSession('a');
    sync.ackOutbound(a, message(2));
    sync.putOutbound(a, message(3));
    expect(calls).toEqual(['deleteOutboundMany ["a",[1]]', 'deleteSession ["a"]', 'deleteOutboundMany ["a",[2]]', 'putOutbound [3]']);
  });

  it('writes nothing for clean sessions or without a persistence', async () => {
    const { persistence, calls } = recorder();
    new SessionSync(persistence, () => undefined).ackOutbound(new Session('c', true, 0, 0), message(1));
    new SessionSync(undefined, () => undefined).ackOutbound(new Session('d', false, 0, 0), message(1));
    await Promise.resolve();
    expect(calls).toEqual([]);
  });
});
