/**
 * The subscription index: a trie of topic-filter levels with dedicated `+` and `#` slots, so that
 * matching one topic name costs a walk down the levels it names, not a scan of all filters.
 *
 * Matching deduplicates overlapping subscriptions of one subscriber and keeps the highest granted
 * QoS [MQTT-3.3.5-1] without allocating per subscriber: the bookkeeping (`matchGen`, `matchQos`)
 * lives on the subscriber object itself and a generation counter marks "already seen in this
 * match". Walks are iterative (explicit stacks) because a hostile topic may have tens of thousands
 * of levels and recursion that deep would overflow the stack.
 *
 * Memory: a fleet has many branches with one child and one subscriber (`cmnd/<device>/#`), so a
 * node keeps a single child and a single subscriber inline and allocates a Map only for the second.
 */

import type { QoS } from '../codec/packets.js';

/** What the index needs from a subscriber: two scratch fields it may overwrite while matching. */
export interface IndexSubscriber {
  matchGen: number;
  matchQos: QoS;
}

/** One subscriber inline, a Map from the second on. */
class SubscriberSlot<S> {
  one: S | undefined = undefined;
  oneQos: QoS = 0;
  many: Map<S, QoS> | undefined = undefined;

  get size(): number {
    return this.many !== undefined ? this.many.size : this.one === undefined ? 0 : 1;
  }

  /** returns true when `sub` was not there before */
  set(sub: S, qos: QoS): boolean {
    if (this.many !== undefined) {
      const isNew = !this.many.has(sub);
      this.many.set(sub, qos);
      return isNew;
    }
    if (this.one === undefined || this.one === sub) {
      const isNew = this.one === undefined;
      this.one = sub;
      this.oneQos = qos;
      return isNew;
    }
    this.many = new Map([[this.one, this.oneQos], [sub, qos]]);
    this.one = undefined;
    return true;
  }

  delete(sub: S): boolean {
    if (this.many !== undefined) return this.many.delete(sub);
    if (this.one !== sub) return false;
    this.one = undefined;
    return true;
  }
}

class FilterNode<S> {
  /** a single child is kept here (with its level in `onlyKey`) … */
  onlyChild: FilterNode<S> | undefined = undefined;
  onlyKey = '';
  /** … and all children move into this Map when a second one arrives */
  children: Map<string, FilterNode<S>> | undefined = undefined;
  /** the `+` child (one level, any name) */
  plus: FilterNode<S> | undefined = undefined;
  /** subscribers whose filter ends with `#` right below this node */
  hashSubs: SubscriberSlot<S> | undefined = undefined;
  /** subscribers whose filter ends exactly at this node */
  subs: SubscriberSlot<S> | undefined = undefined;

  getChild(level: string): FilterNode<S> | undefined {
    if (this.children !== undefined) return this.children.get(level);
    return this.onlyChild !== undefined && this.onlyKey === level ? this.onlyChild : undefined;
  }

  addChild(level: string, child: FilterNode<S>): void {
    if (this.children !== undefined) {
      this.children.set(level, child);
    } else if (this.onlyChild === undefined) {
      this.onlyChild = child;
      this.onlyKey = level;
    } else {
      this.children = new Map([[this.onlyKey, this.onlyChild], [level, child]]);
      this.onlyChild = undefined;
      this.onlyKey = '';
    }
  }

  deleteChild(level: string): void {
    if (this.children !== undefined) {
      this.children.delete(level);
    } else if (this.onlyKey === level) {
      this.onlyChild = undefined;
      this.onlyKey = '';
    }
  }

  isEmpty(): boolean {
    return (
      this.onlyChild === undefined &&
      (this.children === undefined || this.children.size === 0) &&
      this.plus === undefined &&
      (this.hashSubs === undefined || this.hashSubs.size === 0) &&
      (this.subs === undefined || this.subs.size === 0)
    );
  }
}

/** Result of one match, as parallel arrays (no per-subscriber object). Read-only: it is cached. */
export interface MatchResult<S> {
  readonly subscribers: readonly S[];
  readonly qos: readonly QoS[];
}

/** Match results are cached for up to this many topic names … */
const CACHE_ENTRIES = 1024;
/** … of at most this many characters (bounds the cache's memory). */
const CACHE_MAX_TOPIC_LENGTH = 256;

export class TopicIndex<S extends IndexSubscriber> {
  private readonly root = new FilterNode<S>();
  private generation = 0;
  private subscriptionCount = 0;
  /**
   * topic name → its last match. Devices publish to the same topics over and over; a hit skips
   * the walk and its garbage. Any subscription change clears it, so it is never stale.
   */
  private readonly cache = new Map<string, MatchResult<S>>();

  /** number of (subscriber, filter) pairs */
  get size(): number {
    return this.subscriptionCount;
  }

  /** Adds or replaces [MQTT-3.8.4-3] the subscription of `sub` to `topicFilter` (already validated). */
  add(topicFilter: string, sub: S, qos: QoS): void {
    if (this.cache.size > 0) this.cache.clear();
    const levels = topicFilter.split('/');
    let node = this.root;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i] as string;
      if (level === '#') {
        if ((node.hashSubs ??= new SubscriberSlot()).set(sub, qos)) this.subscriptionCount++;
        return;
      }
      node = this.child(node, level);
    }
    if ((node.subs ??= new SubscriberSlot()).set(sub, qos)) this.subscriptionCount++;
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
      node = level === '+' ? node.plus : node.getChild(level);
      if (node === undefined) return false;
      path.push(node);
      keys.push(level);
      if (i === levels.length - 1) removed = node.subs?.delete(sub) ?? false;
    }
    if (!removed) return false;
    if (this.cache.size > 0) this.cache.clear();
    this.subscriptionCount--;
    for (let i = path.length - 1; i > 0; i--) {
      const n = path[i] as FilterNode<S>;
      if (!n.isEmpty()) break;
      const parent = path[i - 1] as FilterNode<S>;
      const key = keys[i - 1] as string;
      if (key === '+') parent.plus = undefined;
      else parent.deleteChild(key);
    }
    return true;
  }

  /**
   * Every subscriber with at least one filter matching `topicName`, once, with the highest QoS of
   * its matching filters. [MQTT-4.7.2-1] a filter starting with a wildcard does not match a topic
   * name starting with `$`. The result is shared (cached): callers must not modify it.
   */
  match(topicName: string): MatchResult<S> {
    const cached = this.cache.get(topicName);
    if (cached !== undefined) return cached;
    const result = this.walk(topicName);
    if (topicName.length <= CACHE_MAX_TOPIC_LENGTH) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(topicName, result);
    }
    return result;
  }

  private walk(topicName: string): MatchResult<S> {
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
      const child = node.getChild(levels[i] as string);
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
    let child = node.getChild(level);
    if (child === undefined) {
      child = new FilterNode<S>();
      node.addChild(level, child);
    }
    return child;
  }
}

function visit<S extends IndexSubscriber>(sub: S, qos: QoS, gen: number, out: S[]): void {
  if (sub.matchGen !== gen) {
    sub.matchGen = gen;
    sub.matchQos = qos;
    out.push(sub);
  } else if (qos > sub.matchQos) {
    sub.matchQos = qos;
  }
}

function collect<S extends IndexSubscriber>(slot: SubscriberSlot<S>, gen: number, out: S[]): void {
  if (slot.many !== undefined) {
    for (const [sub, qos] of slot.many) visit(sub, qos, gen, out);
  } else if (slot.one !== undefined) {
    visit(slot.one, slot.oneQos, gen, out);
  }
}
