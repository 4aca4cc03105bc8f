/**
 * The topics service: owns the topic model, batches its changes to the view, and carries
 * out what the explorer asks of the broker (retained clear/undo, publish).
 *
 * Fed by the broker's `message.published` event through `ingest` (in-process, no socket).
 * Everything it emits is one `topics.changes` batch at a time via `emit`.
 */

import type { PublishedMessage, QoS, RetainedRecord } from '../../../broker-core/index.js';
import type {
  PayloadDto,
  RetainedScopeDto,
  TopicDetailDto,
  TopicsChangesDto,
  TopicsPauseDto,
  TopicsSnapshotDto,
  TopicsStatsDto,
} from '../../contract/topics.js';
import { ChangeBatcher, type Batch } from './change-batcher.js';
import { boundedPayloadDto, currentPayload, toDetailDto, toNodeDto } from './dto.js';
import { DEFAULT_LIMITS, type TopicsLimits } from './limits.js';
import { searchableText } from './payload.js';
import { RetainedClearer, type RetainedStorePort } from './retained-clearer.js';
import { realScheduler, type Scheduler } from './scheduler.js';
import { TopicStore } from './topic-store.js';

/** What the service needs from the broker. */
export interface TopicsBrokerPort extends RetainedStorePort {
  /** publishes through the app's inline client */
  publish(msg: { topicName: string; payload: Uint8Array; qos: QoS; retain: boolean }): Promise<void>;
}

export interface TopicsServiceOptions {
  broker: TopicsBrokerPort;
  emit: (changes: TopicsChangesDto) => void;
  limits?: Partial<TopicsLimits>;
  scheduler?: Scheduler;
  newId?: () => string;
  /** false while no view listens: batches are then not built (a view loads a snapshot first) */
  hasListeners?: () => boolean;
}

/** Largest result `searchPayload` returns. */
export const MAX_SEARCH_RESULTS = 50_000;
export const DEFAULT_SEARCH_RESULTS = 10_000;

export class TopicsService {
  readonly limits: TopicsLimits;
  readonly #broker: TopicsBrokerPort;
  readonly #emit: (changes: TopicsChangesDto) => void;
  readonly #store: TopicStore;
  readonly #batcher: ChangeBatcher;
  readonly #clearer: RetainedClearer;
  readonly #hasListeners: () => boolean;

  constructor(opts: TopicsServiceOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.#hasListeners = opts.hasListeners ?? (() => true);
    this.#broker = opts.broker;
    this.#emit = opts.emit;
    const scheduler = opts.scheduler ?? realScheduler;
    this.#batcher = new ChangeBatcher({
      intervalMs: this.limits.batchIntervalMs,
      maxBatchNodes: this.limits.maxBatchNodes,
      pauseCapacity: this.limits.pauseBufferTopics,
      scheduler,
      onBatch: (batch) => this.#sendBatch(batch),
    });
    this.#store = new TopicStore(this.limits, { onRemoved: (topic) => this.#batcher.remove(topic) });
    let counter = 0;
    this.#clearer = new RetainedClearer({
      port: opts.broker,
      undoMaxTopics: this.limits.undoMaxTopics,
      undoMaxBytes: this.limits.undoMaxBytes,
      onRetainedChanged: (topic, retained) => {
        if (this.#store.setRetained(topic, retained)) this.#batcher.touch(topic, false);
      },
      newId: opts.newId ?? (() => `undo-${scheduler.now()}-${++counter}`),
    });
  }

  /** One message the broker routed. Cheap: the model update only; DTOs are built per batch. */
  ingest(msg: PublishedMessage): void {
    this.#store.ingest(msg);
    this.#batcher.touch(msg.topicName);
  }

  /**
   * Retained messages that were in the broker before this service listened (loaded from
   * persistence) never pass through `message.published`; show them with their true store
   * time and publisher. '#' does not match `$`-topics [MQTT-4.7.2-1], which is what we want.
   */
  async seedRetained(): Promise<number> {
    const records = await this.#broker.retained('#');
    for (const r of records) {
      if (this.#store.get(r.topicName)) continue;
      this.ingest({ topicName: r.topicName, payload: r.payload, qos: r.qos, retain: true, publisherId: r.publisherId, isWill: false, at: r.storedAt });
    }
    return records.length;
  }

  stats(): TopicsStatsDto {
    const l = this.limits;
    return {
      topics: this.#store.size,
      messages: this.#store.messages,
      memoryBytes: this.#store.usedBytes,
      shed: { ...this.#store.shed },
      pause: this.#batcher.pauseState(),
      limits: {
        previewBytes: l.previewBytes,
        valueChars: l.valueChars,
        historyLength: l.historyLength,
        budgetBytes: l.budgetBytes,
        batchIntervalMs: l.batchIntervalMs,
        maxBatchNodes: l.maxBatchNodes,
        pauseBufferTopics: l.pauseBufferTopics,
        rateWindowMs: l.rateWindowMs,
      },
    };
  }

  snapshot(): TopicsSnapshotDto {
    const nodes = [];
    for (const node of this.#store.values()) nodes.push(toNodeDto(node, this.limits));
    return { seq: this.#batcher.seq, nodes, stats: this.stats() };
  }

  async detail(topicName: string): Promise<TopicDetailDto | null> {
    const node = this.#store.get(topicName);
    if (!node) return null;
    const retained = node.retained || node.retain ? await this.#retainedRecord(topicName) : null;
    return toDetailDto(node, retained, this.limits);
  }

  async retainedPayload(topicName: string): Promise<PayloadDto | null> {
    const record = await this.#retainedRecord(topicName);
    return record ? boundedPayloadDto(record.payload, this.limits.fullPayloadBytes) : null;
  }

  /** Case-insensitive substring search over each topic's stored last payload. */
  searchPayload(text: string, limit = DEFAULT_SEARCH_RESULTS): { topicNames: string[]; truncated: boolean } {
    const needle = text.toLowerCase();
    const max = Math.min(limit, MAX_SEARCH_RESULTS);
    const topicNames: string[] = [];
    for (const node of this.#store.values()) {
      const current = currentPayload(node);
      if (!current || !searchableText(current).toLowerCase().includes(needle)) continue;
      if (topicNames.length >= max) return { topicNames, truncated: true };
      topicNames.push(node.topicName);
    }
    return { topicNames, truncated: false };
  }

  setPaused(paused: boolean): TopicsPauseDto {
    return this.#batcher.setPaused(paused);
  }

  retainedCount(scope: RetainedScopeDto): Promise<{ count: number; undoable: boolean }> {
    return this.#clearer.count(scope);
  }

  clearRetained(scope: RetainedScopeDto): Promise<{ cleared: number; undoId: string | null }> {
    return this.#clearer.clear(scope);
  }

  /** null when the id is not the latest clear */
  undoClear(undoId: string): Promise<{ restored: number; skipped: number } | null> {
    return this.#clearer.undo(undoId);
  }

  publish(msg: { topicName: string; payload: string; qos: QoS; retain: boolean }): Promise<void> {
    return this.#broker.publish({ ...msg, payload: new TextEncoder().encode(msg.payload) });
  }

  /** Internal consistency check for tests: the running estimate equals a full recount. */
  recountBytes(): number {
    return this.#store.recount();
  }

  dispose(): void {
    this.#batcher.dispose();
  }

  async #retainedRecord(topicName: string): Promise<RetainedRecord | null> {
    // A topic name has no wildcards, so as a filter it matches only itself.
    const records = await this.#broker.retained(topicName);
    return records.find((r) => r.topicName === topicName) ?? null;
  }

  #sendBatch(batch: Batch): void {
    if (!this.#hasListeners()) return;
    const changed = [];
    for (const topic of batch.changed) {
      const node = this.#store.get(topic);
      if (node) changed.push(toNodeDto(node, this.limits));
    }
    this.#emit({ seq: batch.seq, at: batch.at, changed, removed: batch.removed, resync: batch.resync, stats: this.stats() });
  }
}
