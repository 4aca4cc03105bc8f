/** A bounded FIFO that counts what it sheds (house rule: nothing is dropped silently). */
export class Ring<T> {
  private items: T[] = [];
  /** items pushed out because the ring was full */
  shed = 0;

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new RangeError('ring capacity must be >= 1');
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) {
      this.items.shift();
      this.shed += 1;
    }
  }

  get length(): number {
    return this.items.length;
  }

  /** oldest first */
  toArray(): T[] {
    return this.items.slice();
  }

  last(): T | undefined {
    return this.items[this.items.length - 1];
  }

  /** drop items (oldest first) while the predicate holds; not counted as shed (they expired) */
  dropWhile(pred: (item: T) => boolean): void {
    let i = 0;
    while (i < this.items.length && pred(this.items[i] as T)) i++;
    if (i > 0) this.items.splice(0, i);
  }

  clear(): void {
    this.items = [];
  }
}

export function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
