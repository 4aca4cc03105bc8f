import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../electron/services/topics/limits.js';
import { TopicStore } from '../../../electron/services/topics/topic-store.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heap(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Builds a store the way a fleet fills it; returns the estimate and the heap it really took. */
function measure(topics: number, rounds: number): { estimate: number; real: number } {
  const names = Array.from({ length: topics }, (_, i) => `lab/site-${Math.floor(i / 1000)}/dev-${Math.floor((i % 1000) / 10)}/metric-${i % 10}`);
  const before = heap();
  const store = new TopicStore({ ...DEFAULT_LIMITS, budgetBytes: Number.MAX_SAFE_INTEGER });
  let seq = 0;
  for (let r = 0; r < rounds; r++) {
    for (const topicName of names) {
      const payload = Buffer.from(`{"v":${(seq % 997) / 10},"seq":${seq},"ts":${Date.now()}}`);
      store.ingest({ topicName, payload, qos: 0, retain: false, publisherId: 'dev', isWill: false, at: Date.now() + seq });
      seq += 1;
    }
  }
  const real = heap() - before;
  // Keep the store alive until after the measurement.
  expect(store.size).toBe(topics);
  return { estimate: store.usedBytes, real };
}

describe('topic store memory estimate', () => {
  it('is not below what the model really takes on the heap (topics with one message)', () => {
    const { estimate, real } = measure(20_000, 1);
    expect(real).toBeLessThan(estimate * 1.15);
    expect(real).toBeGreaterThan(estimate * 0.5);
  });

  it('is not below what the model really takes on the heap (full histories)', () => {
    const { estimate, real } = measure(5_000, DEFAULT_LIMITS.historyLength);
    expect(real).toBeLessThan(estimate * 1.15);
    expect(real).toBeGreaterThan(estimate * 0.5);
  });
});
