/**
 * Retained messages [MQTT-3.3.1-5..11]: at most one per topic name, kept in a map for O(1)
 * replace/delete and in a trie of topic levels so that a new subscription's filter finds its
 * matches without scanning every retained topic. Walks are iterative (see topic-index.ts).
 *
 * The store only holds state; deciding what to store (zero-byte payload deletes, QoS 0 replaces)
 * is done by the router, where the clauses are cited.
 */

import type { RetainedRecord } from '../persistence/persistence.js';

/**
 * A stored retained message. `wire` caches its QoS 0, RETAIN=1 PUBLISH: the same bytes go to
 * every new QoS 0 subscription (and `payload` may be a view into them). Built lazily when absent.
 */
export interface RetainedEntry extends RetainedRecord {
  wire?: Buffer;
}

class LevelNode {
  children: Map<string, LevelNode> | undefined = undefined;
  record: RetainedEntry | undefined = undefined;
}

export class RetainedStore {
  private readonly byTopic = new Map<string, RetainedEntry>();
  private readonly root = new LevelNode();

  get size(): number {
    return this.byTopic.size;
  }

  get(topicName: string): RetainedEntry | undefined {
    return this.byTopic.get(topicName);
  }

  /** Stores or replaces the retained message of `record.topicName`. */
  set(record: RetainedEntry): void {
    this.byTopic.set(record.topicName, record);
    let node = this.root;
    for (const level of record.topicName.split('/')) {
      node.children ??= new Map();
      let child = node.children.get(level);
      if (child === undefined) {
        child = new LevelNode();
        node.children.set(level, child);
      }
      node = child;
    }
    node.record = record;
  }

  /** Deletes the retained message of `topicName`; returns whether there was one. */
  delete(topicName: string): boolean {
    if (!this.byTopic.delete(topicName)) return false;
    const levels = topicName.split('/');
    const path: LevelNode[] = [this.root];
    let node: LevelNode | undefined = this.root;
    for (const level of levels) {
      node = node.children?.get(level);
      if (node === undefined) return true;
      path.push(node);
    }
    node.record = undefined;
    for (let i = path.length - 1; i > 0; i--) {
      const n = path[i] as LevelNode;
      if (n.record !== undefined || (n.children !== undefined && n.children.size > 0)) break;
      (path[i - 1] as LevelNode).children?.delete(levels[i - 1] as string);
    }
    return true;
  }

  /** All retained messages, in no particular order. */
  all(): IterableIterator<RetainedEntry> {
    return this.byTopic.values();
  }

  /**
   * Retained messages whose topic name matches `topicFilter` (already validated).
   * [MQTT-4.7.2-1] a leading wildcard does not match topic names beginning with `$`.
   */
  match(topicFilter: string): RetainedEntry[] {
    const out: RetainedEntry[] = [];
    if (!topicFilter.includes('+') && !topicFilter.includes('#')) {
      const record = this.byTopic.get(topicFilter);
      if (record !== undefined) out.push(record);
      return out;
    }
    const levels = topicFilter.split('/');
    const count = levels.length;
    const nodes: LevelNode[] = [this.root];
    const depths: number[] = [0];
    while (nodes.length > 0) {
      const node = nodes.pop() as LevelNode;
      const i = depths.pop() as number;
      if (i === count) {
        if (node.record !== undefined) out.push(node.record);
        continue;
      }
      const level = levels[i] as string;
      if (level === '#') {
        // `a/#` also matches `a` itself [MQTT-4.7.1-2]
        if (node.record !== undefined) out.push(node.record);
        this.collectBelow(node, i === 0, out);
        continue;
      }
      if (level === '+') {
        if (node.children === undefined) continue;
        for (const [key, child] of node.children) {
          if (i === 0 && key.charCodeAt(0) === 0x24) continue;
          nodes.push(child);
          depths.push(i + 1);
        }
        continue;
      }
      const child = node.children?.get(level);
      if (child !== undefined) {
        nodes.push(child);
        depths.push(i + 1);
      }
    }
    return out;
  }

  private collectBelow(start: LevelNode, skipDollar: boolean, out: RetainedEntry[]): void {
    const stack: LevelNode[] = [];
    if (start.children !== undefined) {
      for (const [key, child] of start.children) {
        if (skipDollar && key.charCodeAt(0) === 0x24) continue;
        stack.push(child);
      }
    }
    while (stack.length > 0) {
      const node = stack.pop() as LevelNode;
      if (node.record !== undefined) out.push(node.record);
      if (node.children !== undefined) for (const child of node.children.values()) stack.push(child);
    }
  }
}
