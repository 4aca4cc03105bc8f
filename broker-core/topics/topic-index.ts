/**
 * The subscription index: a trie of topic-filter levels with dedicated `+` and `#` slots, so that
 * matching one topic name costs a walk down the levels it names, not a scan of all filters.
 *
 * Matching deduplicates overlapping subscriptions of one subscriber and keeps the highest granted
 * QoS [MQTT-3.3.5-1] without allocating per subscriber: the bookkeeping (`matchGen`, `matchQos`)
 * lives on the subscriber object itself and a generation counter marks "already seen in this
 * match". Walks are iterative (explicit stacks) because a hostile topic may have tens of thousands
 * of levels and recursion that deep would overflow the stack.
 */

import type { QoS } from '../codec/packets.js';

/** What the index needs from a subscriber: two scratch fields it may overwrite while matching. */
export interface IndexSubscriber {
  matchGen: number;
  matchQos: QoS;
}

class FilterNode<S> {
  children: Map<string, FilterNode<S>> | undefined = undefined;
  /** the `+` child (one level, any name) */
  plus: FilterNode<S> | undefined = undefined;
  /** subscribers whose filter ends with `#` right below this node */
  hashSubs: Map<S, QoS> | undefined = undefined;
  /** subscribers whose filter ends exactly at this node */
  subs: Map<S, QoS> | undefined = undefined;

  isEmpty(): boolean {
    return (
      (this.children === undefined || this.children.size === 0) &&
      this.plus === undefined &&
      (this.hashSubs === undefined || this.hashSubs.size === 0) &&
      (this.subs === undefined || this.subs.size === 0)
    );
  }
}

/** Result of one match, as parallel arrays (no per-subscriber object). */
export interface MatchResult<S> {
  subscribers: S[];
  qos: QoS[];
}

export class TopicIndex<S extends IndexSubscriber> {
  private readonly root = new FilterNode<S>();
  private generation = 0;
  private subscriptionCount = 0;

  /** number of (subscriber, filter) pairs */
  get size(): number {
    return this.subscriptionCount;
  }

  /** Adds or replaces [MQTT-3.8.4-3] the subscription of `sub` to `topicFilter` (already validated). */
  add(topicFilter: string, sub: S, qos: QoS): void {
    const levels = topicFilter.split('/');
    let node = this.root;
    const last = levels.length - 1;
    for (let i = 0; i <= last; i++) {
      const level = levels[i] as string;
      if (level === '#') {
        node.hashSubs ??= new Map();
        this.setIn(node.hashSubs, sub, qos);
        return;
      }
      node = this.child(node, level);
    }
    node.subs ??= new Map();
    this.setIn(node.subs, sub, qos);
  }

  /** Removes the subscription; returns whether it existed. Prunes emptied nodes. */
  remove(topicFilter: string, sub: S): boolean {
    const levels = topicFilter.split('/');
    const path: FilterNode<S>[] = [this.root];
    const keys: string[] = [];
    let node: FilterNode<S> | undefined = this.root;
    let removed = false;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i] as string;
      if (level === '#') {
        removed = node.hashSubs?.delete(sub) ?? false;
        break;
      }
      node = level === '+' ? node.plus : node.children?.get(level);
      if (node === undefined) return false;
      path.push(node);
      keys.push(level);
      if (i === levels.length - 1) removed = node.subs?.delete(sub) ?? false;
    }
    if (!removed) return false;
    this.subscriptionCount--;
    for (let i = path.length - 1; i > 0; i--) {
      const n = path[i] as FilterNode<S>;
      if (!n.isEmpty()) break;
      const parent = path[i - 1] as FilterNode<S>;
      const key = keys[i - 1] as string;
      if (key === '+') parent.plus = undefined;
      else parent.children?.delete(key);
    }
    return true;
  }

  /**
   * Every subscriber with at least one filter matching `topicName`, once, with the highest QoS of
   * its matching filters. [MQTT-4.7.2-1] a filter starting with a wildcard does not match a topic
   * name starting with `$`.
   */
  match(topicName: string): MatchResult<S> {
    const gen = ++this.generation;
    const subscribers: S[] = [];
    const levels = topicName.split('/');
    const count = levels.length;
    const dollar = topicName.charCodeAt(0) === 0x24;
    const nodes: FilterNode<S>[] = [this.root];
    const depths: number[] = [0];
    while (nodes.length > 0) {
      const node = nodes.pop() as FilterNode<S>;
      const i = depths.pop() as number;
      const wildcardAllowed = i > 0 || !dollar;
      // `a/#` matches `a` itself and everything below it [MQTT-4.7.1-2].
      if (node.hashSubs !== undefined && wildcardAllowed) collect(node.hashSubs, gen, subscribers);
      if (i === count) {
        if (node.subs !== undefined) collect(node.subs, gen, subscribers);
        continue;
      }
      const child = node.children?.get(levels[i] as string);
      if (child !== undefined) {
        nodes.push(child);
        depths.push(i + 1);
      }
      if (node.plus !== undefined && wildcardAllowed) {
        nodes.push(node.plus);
        depths.push(i + 1);
      }
    }
    const qos = new Array<QoS>(subscribers.length);
    for (let k = 0; k < subscribers.length; k++) qos[k] = (subscribers[k] as S).matchQos;
    return { subscribers, qos };
  }

  private child(node: FilterNode<S>, level: string): FilterNode<S> {
    if (level === '+') return (node.plus ??= new FilterNode<S>());
    node.children ??= new Map();
    let child = node.children.get(level);
    if (child === undefined) {
      child = new FilterNode<S>();
      node.children.set(level, child);
    }
    return child;
  }

  private setIn(map: Map<S, QoS>, sub: S, qos: QoS): void {
    if (!map.has(sub)) this.subscriptionCount++;
    map.set(sub, qos);
  }
}

function collect<S extends IndexSubscriber>(map: Map<S, QoS>, gen: number, out: S[]): void {
  for (const [sub, qos] of map) {
    if (sub.matchGen !== gen) {
      sub.matchGen = gen;
      sub.matchQos = qos;
      out.push(sub);
    } else if (qos > sub.matchQos) {
      sub.matchQos = qos;
    }
  }
}
