import { describe, expect, it } from 'vitest';
import type { TopicNodeDto } from '../../../electron/contract/index.js';
import { TopicTree } from '../../../renderer/src/topics/tree-model.js';

function dto(topicName: string, count = 1, value = 'v'): TopicNodeDto {
  return { topicName, value, valueKind: 'text', valueCut: false, size: value.length, qos: 0, retain: false, retained: false, publisherId: 'p', count, rate: 0, lastAt: 0 };
}

const paths = (rows: { node: { path: string } }[]) => rows.map((r) => r.node.path);

describe('renderer topic tree', () => {
  it('counts topics and messages per level, updating counts incrementally', () => {
    const tree = new TopicTree();
    tree.apply(dto('home/kitchen/temp', 3), 1);
    tree.apply(dto('home/kitchen/hum', 2), 1);
    tree.apply(dto('home/hall', 1), 1);
    tree.apply(dto('home/kitchen/temp', 10), 2);
    const home = tree.find('home')!;
    expect([home.topicCount, home.messageCount]).toEqual([3, 13]);
    const kitchen = tree.find('home/kitchen')!;
    expect([kitchen.topicCount, kitchen.messageCount, kitchen.changedAt]).toEqual([2, 12, 2]);
    expect(tree.root.topicCount).toBe(3);
  });

  it('treats a topic that is also a parent level as both', () => {
    const tree = new TopicTree();
    tree.apply(dto('a', 2), 0);
    tree.apply(dto('a/b', 5), 0);
    const a = tree.find('a')!;
    expect(a.topic?.count).toBe(2);
    expect([a.topicCount, a.messageCount]).toEqual([2, 7]);
  });

  it('keeps empty levels (as in "/a" and "a//b") as their own nodes', () => {
    const tree = new TopicTree();
    tree.apply(dto('/a'), 0);
    tree.apply(dto('a//b'), 0);
    expect(tree.find('/a')!.level).toBe(2);
    expect(tree.find('a//b')!.parent!.name).toBe('');
    expect(tree.find('a/')!.path).toBe('a/');
  });

  it('shows only expanded levels, children in natural order, with positions among siblings', () => {
    const tree = new TopicTree();
    for (const t of ['dev/10/x', 'dev/9/x', 'dev/2/x', 'other']) tree.apply(dto(t), 0);
    expect(paths(tree.flatten(null, new Set()))).toEqual(['dev', 'other']);
    tree.find('dev')!.expanded = true;
    const rows = tree.flatten(null, new Set());
    expect(paths(rows)).toEqual(['dev', 'dev/2', 'dev/9', 'dev/10', 'other']);
    expect(rows.map((r) => [r.pos, r.setSize])).toEqual([[1, 2], [1, 3], [2, 3], [3, 3], [2, 2]]);
    expect(rows[0]).toMatchObject({ hasChildren: true, open: true });
  });

  it('with a filter shows matches and their ancestors expanded, unless collapsed during the filter', () => {
    const tree = new TopicTree();
    for (const t of ['home/a/temp', 'home/a/hum', 'home/b/temp', 'lab/temp']) tree.apply(dto(t), 0);
    const onlyTemp = (t: TopicNodeDto) => t.topicName.endsWith('temp');
    expect(paths(tree.flatten(onlyTemp, new Set()))).toEqual(['home', 'home/a', 'home/a/temp', 'home/b', 'home/b/temp', 'lab', 'lab/temp']);
    expect(paths(tree.flatten(onlyTemp, new Set([tree.find('home')!])))).toEqual(['home', 'lab', 'lab/temp']);
    expect(tree.flatten(() => false, new Set())).toEqual([]);
  });

  it('removes a shed topic, its counts, and levels left empty', () => {
    const tree = new TopicTree();
    tree.apply(dto('x/y/z', 4), 0);
    tree.apply(dto('x/w', 1), 0);
    tree.remove('x/y/z');
    expect(tree.find('x/y')).toBeNull();
    expect([tree.find('x')!.topicCount, tree.find('x')!.messageCount]).toEqual([1, 1]);
    tree.remove('x/w');
    expect(tree.root.children.size).toBe(0);
  });

  it('flattens 50,000 topics without trouble', () => {
    const tree = new TopicTree();
    for (let i = 0; i < 50_000; i++) tree.apply(dto(`fleet/dev-${i % 500}/sensor-${Math.floor(i / 500)}`), 0);
    for (const child of tree.find('fleet')!.children.values()) child.expanded = true;
    tree.find('fleet')!.expanded = true;
    expect(tree.flatten(null, new Set())).toHaveLength(1 + 500 + 50_000);
    expect(tree.root.topicCount).toBe(50_000);
  });
});
