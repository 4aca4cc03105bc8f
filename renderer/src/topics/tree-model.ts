/**
 * The renderer's copy of the topic tree, built from `topics.changes` batches.
 *
 * Plain objects on purpose (not Svelte state): 50,000 topics as deep reactive proxies would
 * cost more than the whole view. The view reads `flatten()` (the rows the user could scroll
 * to) and snapshots only the few rows on screen into reactive values.
 *
 * Per node: topics and messages in its subtree, kept up to date incrementally (O(depth) per
 * change). A node is a topic when `topic` is set; intermediate levels have `topic === null`.
 */

import type { TopicNodeDto } from '../../../electron/contract/index.js';

export interface TreeNode {
  readonly uid: number;
  /** this level's name ('' for an empty level, as in '/a') */
  readonly name: string;
  /** the topic name up to and including this level */
  readonly path: string;
  /** 1 for a first level */
  readonly level: number;
  readonly parent: TreeNode | null;
  readonly children: Map<string, TreeNode>;
  /** children in display order; null when it needs sorting again */
  sorted: TreeNode[] | null;
  topic: TopicNodeDto | null;
  /** topics in this subtree, itself included */
  topicCount: number;
  /** messages of all topics in this subtree */
  messageCount: number;
  expanded: boolean;
  /** performance.now() of the last change in this subtree (for the update highlight) */
  changedAt: number;
}

export interface Row {
  node: TreeNode;
  /** 1-based position among the visible siblings, and their number (aria-posinset/setsize) */
  pos: number;
  setSize: number;
  /** whether the row can be expanded under the current filter */
  hasChildren: boolean;
  /** shown expanded (explicitly, or because a filter is active) */
  open: boolean;
}

export type TopicPredicate = (topic: TopicNodeDto) => boolean;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export class TopicTree {
  readonly root: TreeNode;
  #nextUid = 1;
  /** bumped when nodes appear or disappear (rows must be recomputed) */
  structure = 0;

  constructor() {
    this.root = this.#make('', '', 0, null);
    this.root.expanded = true;
  }

  clear(): void {
    this.root.children.clear();
    this.root.sorted = null;
    this.root.topicCount = 0;
    this.root.messageCount = 0;
    this.structure += 1;
  }

  /** Inserts or updates a topic. */
  apply(dto: TopicNodeDto, now: number): void {
    let node = this.root;
    for (const name of dto.topicName.split('/')) {
      let child = node.children.get(name);
      if (!child) {
        const path = node === this.root ? name : `${node.path}/${name}`;
        child = this.#make(name, path, node.level + 1, node);
        node.children.set(name, child);
        node.sorted = null;
        this.structure += 1;
      }
      node = child;
    }
    const isNew = node.topic === null;
    const delta = dto.count - (node.topic?.count ?? 0);
    node.topic = dto;
    for (let n: TreeNode | null = node; n; n = n.parent) {
      n.messageCount += delta;
      if (isNew) n.topicCount += 1;
      n.changedAt = now;
    }
  }

  /** Removes a topic (shed by the main process); empty intermediate levels go too. */
  remove(topicName: string): void {
    const node = this.find(topicName);
    if (!node?.topic) return;
    const count = node.topic.count;
    node.topic = null;
    for (let n: TreeNode | null = node; n; n = n.parent) {
      n.messageCount -= count;
      n.topicCount -= 1;
    }
    let n: TreeNode | null = node;
    while (n && n !== this.root && n.topicCount === 0 && n.parent) {
      n.parent.children.delete(n.name);
      n.parent.sorted = null;
      n = n.parent;
    }
    this.structure += 1;
  }

  find(path: string): TreeNode | null {
    let node: TreeNode | undefined = this.root;
    for (const name of path.split('/')) {
      node = node.children.get(name);
      if (!node) return null;
    }
    return node;
  }

  /** Expands every level above a node so it becomes visible. */
  reveal(node: TreeNode): void {
    for (let n = node.parent; n && n !== this.root; n = n.parent) n.expanded = true;
  }

  sortedChildren(node: TreeNode): TreeNode[] {
    node.sorted ??= [...node.children.values()].sort((a, b) => collator.compare(a.name, b.name));
    return node.sorted;
  }

  /**
   * The rows a user could scroll to, in order. Without a predicate: expanded levels only.
   * With one: only nodes with a matching topic in their subtree, shown expanded unless the
   * user collapsed them during this filter (`collapsed`).
   */
  flatten(predicate: TopicPredicate | null, collapsed: ReadonlySet<TreeNode>): Row[] {
    const rows: Row[] = [];
    if (!predicate) {
      this.#walk(this.root, rows);
      return rows;
    }
    const matches = new Map<TreeNode, boolean>();
    this.#mark(this.root, predicate, matches);
    this.#walkFiltered(this.root, rows, matches, collapsed);
    return rows;
  }

  #walk(node: TreeNode, rows: Row[]): void {
    const children = this.sortedChildren(node);
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      const hasChildren = child.children.size > 0;
      const open = hasChildren && child.expanded;
      rows.push({ node: child, pos: i + 1, setSize: children.length, hasChildren, open });
      if (open) this.#walk(child, rows);
    }
  }

  /** Records, for every node, whether its subtree holds a match. */
  #mark(node: TreeNode, predicate: TopicPredicate, matches: Map<TreeNode, boolean>): boolean {
    let any = node.topic !== null && predicate(node.topic);
    for (const child of node.children.values()) if (this.#mark(child, predicate, matches)) any = true;
    if (any) matches.set(node, true);
    return any;
  }

  #walkFiltered(node: TreeNode, rows: Row[], matches: Map<TreeNode, boolean>, collapsed: ReadonlySet<TreeNode>): void {
    const children = this.sortedChildren(node).filter((c) => matches.has(c));
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      let hasChildren = false;
      for (const c of child.children.values()) {
        if (matches.has(c)) {
          hasChildren = true;
          break;
        }
      }
      const open = hasChildren && !collapsed.has(child);
      rows.push({ node: child, pos: i + 1, setSize: children.length, hasChildren, open });
      if (open) this.#walkFiltered(child, rows, matches, collapsed);
    }
  }

  #make(name: string, path: string, level: number, parent: TreeNode | null): TreeNode {
    return {
      uid: this.#nextUid++,
      name,
      path,
      level,
      parent,
      children: new Map(),
      sorted: null,
      topic: null,
      topicCount: 0,
      messageCount: 0,
      expanded: false,
      changedAt: 0,
    };
  }
}
