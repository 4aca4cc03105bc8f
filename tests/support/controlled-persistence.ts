/**
 * Wraps a real Persistence so a test can control what a disk would: hold acknowledgements of
 * writes (slow disk), make writes fail, or "crash" (writes after that point are lost, as when the
 * process dies). The wrapped implementation does the real work.
 */

import type { Persistence } from '../../broker-core/index.js';

type Mutation = Exclude<keyof Persistence, 'load' | 'flush' | 'close'>;
const MUTATIONS: Mutation[] = [
  'putRetained', 'deleteRetained', 'putSession', 'deleteSession', 'putOutbound', 'deleteOutbound', 'deleteOutboundMany',
  'putIncomingQos2', 'deleteIncomingQos2', 'putWill', 'deleteWill', 'putCounters',
];

export interface ControlledPersistence extends Persistence {
  /** names of the mutations called, in order */
  readonly calls: string[];
  /** from now on writes are silently lost (their promises still resolve) */
  crash(): void;
  /** from now on write promises resolve only on release() (in call order) */
  hold(): void;
  release(): void;
  /** number of write promises resolved so far */
  readonly resolved: number;
  /** from now on writes reject … */
  failWrites(): void;
  /** … until this */
  healWrites(): void;
}

export function controlled(inner: Persistence): ControlledPersistence {
  const calls: string[] = [];
  let crashed = false;
  let holding = false;
  let failing = false;
  let resolved = 0;
  let held: (() => void)[] = [];
  const wrapper: Partial<ControlledPersistence> & Record<string, unknown> = {
    calls,
    load: () => inner.load(),
    flush: () => (crashed ? Promise.resolve() : inner.flush()),
    close: () => inner.close(),
    crash: () => {
      crashed = true;
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      const waiting = held;
      held = [];
      for (const go of waiting) go();
    },
    failWrites: () => {
      failing = true;
    },
    healWrites: () => {
      failing = false;
    },
  };
  Object.defineProperty(wrapper, 'resolved', { get: () => resolved });
  for (const name of MUTATIONS) {
    wrapper[name] = (...args: unknown[]) => {
      calls.push(name);
      if (crashed) return Promise.resolve();
      if (failing) return Promise.reject(new Error(`${name}: simulated write failure`));
      const done = (inner[name] as (...a: unknown[]) => Promise<void>)(...args);
      const counted = done.then(() => {
        resolved++;
      });
      if (!holding) return counted;
      return new Promise<void>((resolve, reject) => held.push(() => counted.then(resolve, reject)));
    };
  }
  return wrapper as unknown as ControlledPersistence;
}
