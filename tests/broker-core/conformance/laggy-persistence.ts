/**
 * A Persistence with a disk's latency: every write is applied to an in-memory store at call time
 * (call order = apply order, as the port requires) but its promise resolves only a few
 * milliseconds later, in call order, the way a write queue with group commits completes. Running
 * the conformance rows against it exercises the broker's "acknowledgements wait for the disk"
 * paths: the bytes each client sees must still follow the specification.
 */

import { createMemoryPersistence, type Persistence } from '../../../broker-core/index.js';

/** Per-write latency; small, because what matters is that a turn of the event loop passes. */
const LAG_MS = 3;

type Mutation = Exclude<keyof Persistence, 'load' | 'flush' | 'close'>;
const MUTATIONS: readonly Mutation[] = [
  'putRetained', 'deleteRetained', 'putSession', 'deleteSession', 'putOutbound', 'deleteOutbound', 'deleteOutboundMany',
  'putIncomingQos2', 'deleteIncomingQos2', 'putWill', 'deleteWill', 'putCounters',
];

export function laggyPersistence(): Persistence {
  const inner = createMemoryPersistence();
  /** the completion of the last write: the next one completes after it */
  let tail: Promise<void> = Promise.resolve();
  const delayed = (applied: Promise<void>): Promise<void> => {
    const done = tail.then(() => applied).then(() => new Promise<void>((resolve) => setTimeout(resolve, LAG_MS)));
    tail = done.catch(() => undefined);
    return done;
  };
  const wrapper = {
    load: () => inner.load(),
    flush: () => tail.then(() => inner.flush()),
    close: () => tail.then(() => inner.close()),
  } as Persistence;
  for (const name of MUTATIONS) {
    const method = inner[name] as (...args: unknown[]) => Promise<void>;
    (wrapper as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => delayed(method.apply(inner, args));
  }
  return wrapper;
}
