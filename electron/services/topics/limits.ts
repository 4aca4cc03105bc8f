/**
 * The explorer's bounds and the byte estimate the memory budget is kept with.
 *
 * The estimate is deliberately simple and conservative: what a topic costs is a fixed
 * overhead for its node (object, Map entry, DTO fields) plus its name as UTF-16, and each
 * history entry costs a fixed overhead (object, its own ArrayBuffer) plus its stored bytes.
 * Payload copies are capped at `previewBytes`, so one huge message cannot blow the budget.
 * The constants are calibrated to stay at or above the real heap cost (tests/electron/topics/
 * memory-estimate.test.ts measures it); the flood bench reports the process's RSS beside it.
 */

export interface TopicsLimits {
  /** bytes of a payload kept per message; longer payloads are cut and marked truncated */
  previewBytes: number;
  /** characters of the inline value the tree shows */
  valueChars: number;
  /** messages kept per topic, the current one included */
  historyLength: number;
  /** estimated bytes for the whole model */
  budgetBytes: number;
  /** shedding stops once usage is at or below budget × lowWater (hysteresis, so it runs rarely) */
  lowWater: number;
  /** how often at most a `topics.changes` batch is sent */
  batchIntervalMs: number;
  /** most topics in one batch; the rest follow in the next */
  maxBatchNodes: number;
  /** most distinct changed topics buffered while paused before the view must resync */
  pauseBufferTopics: number;
  /** time constant of the per-topic message rate */
  rateWindowMs: number;
  /** most retained messages one clear keeps for Undo (count and payload bytes) */
  undoMaxTopics: number;
  undoMaxBytes: number;
  /** largest full retained payload `topics.retainedPayload` returns */
  fullPayloadBytes: number;
}

export const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: TopicsLimits = {
  previewBytes: 4096,
  valueChars: 200,
  historyLength: 20,
  budgetBytes: 64 * MiB,
  lowWater: 0.9,
  batchIntervalMs: 250,
  maxBatchNodes: 5000,
  pauseBufferTopics: 20_000,
  rateWindowMs: 10_000,
  undoMaxTopics: 10_000,
  undoMaxBytes: 16 * MiB,
  fullPayloadBytes: 1 * MiB,
};

/**
 * Estimated bytes of a topic node without its history. Measured on Node 20 (V8 heap after GC,
 * 50,000 topics with 35-character names): ~300 bytes per node plus its name; rounded up.
 */
export const NODE_OVERHEAD_BYTES = 360;
/**
 * Estimated bytes of one history entry without its payload bytes. Measured: ~120 (an object
 * of fixed shape, a boxed timestamp, a one-byte string header); rounded up.
 */
export const ENTRY_OVERHEAD_BYTES = 144;

export function nodeCost(topicName: string): number {
  return NODE_OVERHEAD_BYTES + 2 * topicName.length;
}

export function entryCost(storedBytes: number): number {
  return ENTRY_OVERHEAD_BYTES + storedBytes;
}
