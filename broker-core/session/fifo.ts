/**
 * A first-in first-out queue over a ring buffer: push and shift are O(1) (Array.prototype.shift
 * is O(n) on large arrays), and draining never copies. The capacity doubles when full and goes
 * back to the minimum once the queue is empty, so a drained queue does not keep its peak memory.
 * The bound is enforced by the owner (see Session.enqueue), not here.
 */

const MIN_CAPACITY = 16;

export class Fifo<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(MIN_CAPACITY);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = item;
    this.size++;
  }

  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const items = this.items;
    const item = items[this.head];
    items[this.head] = undefined;
    this.head = (this.head + 1) & (items.length - 1);
    this.size--;
    if (this.size === 0 && items.length > MIN_CAPACITY) this.clear();
    return item;
  }

  /** items from head to tail */
  *[Symbol.iterator](): IterableIterator<T> {
    const mask = this.items.length - 1;
    for (let i = 0; i < this.size; i++) yield this.items[(this.head + i) & mask] as T;
  }

  clear(): void {
    this.items = new Array<T | undefined>(MIN_CAPACITY);
    this.head = 0;
    this.size = 0;
  }

  /** Doubles the capacity (a power of two), moving the items to the front in order. */
  private grow(): void {
    const old = this.items;
    const mask = old.length - 1;
    const items = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) items[i] = old[(this.head + i) & mask];
    this.items = items;
    this.head = 0;
  }
}
