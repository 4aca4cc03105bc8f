/**
 * The topic model: one node per topic name the broker routed, with its last-message
 * metadata, a bounded history of stored payloads, and the memory budget over all of it.
 *
 * Nodes live in one Map whose iteration order is "least recently updated first" (a node is
 * re-inserted on every message), so the coldest topics are always at the front. When the
 * estimate goes over budget, shedding walks from the front in three passes until usage is
 * back under the low-water mark:
 *   1. history older than the current value,
 *   2. the current value's stored payload (metadata stays exact; the tree shows "shed"),
 *   3. whole topics (they leave the tree; a new message brings them back).
 * Every shed item is counted. The hysteresis keeps passes rare under a sustained flood.
 */

import type { PublishedMessage, QoS } from '../../../broker-core/index.js';
import { entryCost, nodeCost, type TopicsLimits } from './limits.js';
import { copyPreview, type StoredPayload } from './payload.js';

export interface HistoryEntry extends StoredPayload {
  at: number;
  qos: QoS;
  retain: boolean;
  publisherId: string;
}

export interface TopicNode {
  readonly topicName: string;
  count: number;
  /** messages per second as of lastAt (exponentially weighted) */
  rate: number;
  lastAt: number;
  qos: QoS;
  retain: boolean;
  publisherId: string;
  /** size of the last payload as published */
  size: number;
  /** the broker holds a retained message for this topic, as far as we saw */
  retained: boolean;
  /** oldest first; the last entry is the current value unless previewShed */
  history: HistoryEntry[];
  previewShed: boolean;
  historyShed: number;
}

export interface ShedCounters {
  historyEntries: number;
  previews: number;
  topics: number;
  bytes: number;
}

export interface TopicStoreHooks {
  /** a topic left the model because the budget shed it */
  onRemoved?: (topicName: string) => void;
}

export class TopicStore {
  readonly #limits: TopicsLimits;
  readonly #hooks: TopicStoreHooks;
  /** least recently updated first */
  readonly #nodes = new Map<string, TopicNode>();
  #usedBytes = 0;
  #messages = 0;
  readonly #shed: ShedCounters = { historyEntries: 0, previews: 0, topics: 0, bytes: 0 };

  constructor(limits: TopicsLimits, hooks: TopicStoreHooks = {}) {
    this.#limits = limits;
    this.#hooks = hooks;
  }

  get size(): number {
    return this.#nodes.size;
  }

  get usedBytes(): number {
    return this.#usedBytes;
  }

  get messages(): number {
    return this.#messages;
  }

  get shed(): Readonly<ShedCounters> {
    return this.#shed;
  }

  get(topicName: string): TopicNode | undefined {
    return this.#nodes.get(topicName);
  }

  /** Coldest first. */
  values(): IterableIterator<TopicNode> {
    return this.#nodes.values();
  }

  ingest(msg: PublishedMessage): TopicNode {
    let node = this.#nodes.get(msg.topicName);
    if (node) {
      this.#nodes.delete(msg.topicName);
    } else {
      node = {
        topicName: msg.topicName,
        count: 0,
        rate: 0,
        lastAt: msg.at,
        qos: msg.qos,
        retain: msg.retain,
        publisherId: msg.publisherId,
        size: 0,
        retained: false,
        history: [],
        previewShed: false,
        historyShed: 0,
      };
      this.#usedBytes += nodeCost(msg.topicName);
    }
    this.#nodes.set(msg.topicName, node);
    this.#messages += 1;

    node.rate = decayedRate(node, msg.at, this.#limits.rateWindowMs) + 1000 / this.#limits.rateWindowMs;
    node.count += 1;
    node.lastAt = msg.at;
    node.qos = msg.qos;
    node.retain = msg.retain;
    node.publisherId = msg.publisherId;
    node.size = msg.payload.byteLength;
    // [MQTT-3.3.1-5] a retained PUBLISH replaces the stored message; [MQTT-3.3.1-10] a zero-byte
    // one removes it; [MQTT-3.3.1-12] a non-retained PUBLISH leaves the stored one alone.
    if (msg.retain) node.retained = msg.payload.byteLength > 0;

    const stored = copyPreview(msg.payload, this.#limits.previewBytes);
    // A plain literal with a fixed shape: a spread here made V8 build a dictionary-mode
    // object, ~3x the size (measured), for every message kept.
    const entry: HistoryEntry = {
      data: stored.data,
      size: stored.size,
      at: msg.at,
      qos: msg.qos,
      retain: msg.retain,
      publisherId: msg.publisherId,
    };
    node.history.push(entry);
    node.previewShed = false;
    this.#usedBytes += entryCost(entry.data.length);
    // The per-topic window: the history's documented length, not a budget shed.
    while (node.history.length > this.#limits.historyLength) {
      const old = node.history.shift();
      if (old) this.#usedBytes -= entryCost(old.data.length);
    }

    if (this.#usedBytes > this.#limits.budgetBytes) this.#shedDownTo(this.#limits.budgetBytes * this.#limits.lowWater, node);
    return node;
  }

  /** Record what the app did to the broker's retained store (clear, restore). */
  setRetained(topicName: string, retained: boolean): TopicNode | undefined {
    const node = this.#nodes.get(topicName);
    if (node) node.retained = retained;
    return node;
  }

  /** Recomputes the estimate from scratch; tests compare it with the running total. */
  recount(): number {
    let total = 0;
    for (const node of this.#nodes.values()) {
      total += nodeCost(node.topicName);
      for (const e of node.history) total += entryCost(e.data.length);
    }
    return total;
  }

  #shedDownTo(target: number, keep: TopicNode): void {
    for (const node of this.#nodes.values()) {
      if (this.#usedBytes <= target) return;
      while (node.history.length > 1 && this.#usedBytes > target) {
        const old = node.history.shift();
        if (old) this.#freeEntry(old);
        this.#shed.historyEntries += 1;
        node.historyShed += 1;
      }
    }
    for (const node of this.#nodes.values()) {
      if (this.#usedBytes <= target) return;
      if (node === keep || node.history.length === 0) continue;
      for (const old of node.history.splice(0)) this.#freeEntry(old);
      node.previewShed = true;
      this.#shed.previews += 1;
    }
    for (const node of this.#nodes.values()) {
      if (this.#usedBytes <= target) return;
      if (node === keep) continue;
      for (const old of node.history.splice(0)) this.#freeEntry(old);
      this.#nodes.delete(node.topicName);
      const cost = nodeCost(node.topicName);
      this.#usedBytes -= cost;
      this.#shed.bytes += cost;
      this.#shed.topics += 1;
      this.#hooks.onRemoved?.(node.topicName);
    }
  }

  #freeEntry(entry: HistoryEntry): void {
    const cost = entryCost(entry.data.length);
    this.#usedBytes -= cost;
    this.#shed.bytes += cost;
  }
}

/** The node's rate decayed to `at`; clock steps backwards count as no time passed. */
export function decayedRate(node: Pick<TopicNode, 'rate' | 'lastAt' | 'count'>, at: number, windowMs: number): number {
  if (node.count === 0) return 0;
  const dt = Math.max(0, at - node.lastAt);
  return node.rate * Math.exp(-dt / windowMs);
}
