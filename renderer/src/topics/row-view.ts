/**
 * What one on-screen tree row shows, copied out of the plain model so Svelte sees changes.
 */

import type { Row } from './tree-model.js';

export interface RowView {
  uid: number;
  index: number;
  path: string;
  name: string;
  level: number;
  pos: number;
  setSize: number;
  hasChildren: boolean;
  open: boolean;
  isTopic: boolean;
  topicCount: number;
  messageCount: number;
  value: string;
  valueKind: string;
  valueCut: boolean;
  retained: boolean;
  changedAt: number;
}

export function toRowView(row: Row, index: number): RowView {
  const { node } = row;
  const t = node.topic;
  return {
    uid: node.uid,
    index,
    path: node.path,
    name: node.name,
    level: node.level,
    pos: row.pos,
    setSize: row.setSize,
    hasChildren: row.hasChildren,
    open: row.open,
    isTopic: t !== null,
    topicCount: node.topicCount,
    messageCount: node.messageCount,
    value: t?.value ?? '',
    valueKind: t?.valueKind ?? 'empty',
    valueCut: t?.valueCut ?? false,
    retained: t?.retained ?? false,
    changedAt: node.changedAt,
  };
}

export function levelLabel(name: string): string {
  return name === '' ? '(empty level)' : name;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The accessible name: the level name first, then what a sighted user sees on the row. */
export function rowLabel(r: RowView): string {
  const parts = [levelLabel(r.name)];
  if (r.isTopic) parts.push(r.valueKind === 'shed' ? 'value shed' : r.valueKind === 'empty' ? 'empty payload' : `value ${r.value}`);
  if (r.hasChildren) parts.push(plural(r.topicCount, 'topic', 'topics'));
  parts.push(plural(r.messageCount, 'message', 'messages'));
  if (r.retained) parts.push('retained');
  return parts.join(', ');
}

/** The detail pane's line for an intermediate level: "1 topic, 2 messages below". */
export function subtreeCountsText(topics: number, messages: number): string {
  return `${plural(topics, 'topic', 'topics')}, ${plural(messages, 'message', 'messages')} below`;
}

export function countsText(r: RowView): string {
  const msgs = `${r.messageCount.toLocaleString('en-US')} msg${r.messageCount === 1 ? '' : 's'}`;
  return r.hasChildren ? `${r.topicCount.toLocaleString('en-US')} topic${r.topicCount === 1 ? '' : 's'} · ${msgs}` : msgs;
}
