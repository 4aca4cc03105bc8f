import { describe, expect, it } from 'vitest';
import { createMemoryPersistence, createMemoryStore } from '../../../broker-core/persistence/memory.js';
import { persistenceContract, retained } from './contract.js';

// The memory implementation keeps its store across reopen(): it emulates a restart of a
// process that keeps memory, so every durability test of the contract applies to it too.
persistenceContract('memory', async () => {
  const store = createMemoryStore();
  return { persistence: createMemoryPersistence({ store }), reopen: async () => createMemoryPersistence({ store }) };
});

describe('memory persistence', () => {
  it('starts empty for every new instance without a shared store', async () => {
    const first = createMemoryPersistence();
    await first.load();
    await first.putRetained(retained('a'));
    const second = createMemoryPersistence();
    expect((await second.load()).retained).toEqual([]);
  });
});
