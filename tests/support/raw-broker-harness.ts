/**
 * The per-file harness of the broker protocol tests: a fresh broker per test on 127.0.0.1:0,
 * raw clients that are destroyed after each test, and the broker closed after it.
 */

import { afterEach } from 'vitest';
import { startTestBroker, type TestBroker } from './broker.js';
import { RawClient } from './raw-client.js';
import type { BrokerOptions } from '../../broker-core/index.js';
import type { PublishPacket } from '../../broker-core/codec/index.js';

export interface RawBrokerHarness {
  /** starts this test's broker */
  broker(options?: BrokerOptions): Promise<TestBroker>;
  /** this test's broker (started) */
  current(): TestBroker;
  /** a connected raw client, destroyed after the test */
  connect(opts?: Parameters<typeof RawClient.connect>[1]): Promise<RawClient>;
  /** destroy this client after the test too */
  track<C extends { destroy(): void }>(client: C): C;
}

export function useRawBrokerHarness(): RawBrokerHarness {
  let b: TestBroker | undefined;
  const owned: { destroy(): void }[] = [];
  afterEach(async () => {
    for (const c of owned.splice(0)) c.destroy();
    await b?.close();
    b = undefined;
  });
  const current = (): TestBroker => {
    if (b === undefined) throw new Error('start the broker first');
    return b;
  };
  return {
    async broker(options = {}) {
      b = await startTestBroker(options);
      return b;
    },
    current,
    async connect(opts = {}) {
      const result = await RawClient.connect(current().port, opts);
      owned.push(result.client);
      return result.client;
    },
    track(client) {
      owned.push(client);
      return client;
    },
  };
}

/** a PUBLISH payload as text */
export const text = (p: PublishPacket): string => Buffer.from(p.payload).toString();
