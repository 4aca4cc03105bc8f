/**
 * Turns a stream of "topic X changed" into batches: at most one every `intervalMs`, each
 * naming only the topics that changed since the previous one (a topic that changed 500
 * times in between is named once). No timer runs while nothing changes.
 *
 * Pause freezes what the view receives: changes are buffered (still coalesced per topic)
 * and batches carry only stats, so the UI can show how full the buffer is. The buffer holds
 * at most `pauseCapacity` distinct topics; past that it is dropped and counted as overflowed,
 * and resuming sends one `resync` batch (the view reloads the snapshot) instead of changes.
 */

import type { TopicsPauseDto } from '../../contract/topics.js';
import type { Scheduler } from './scheduler.js';

export interface Batch {
  seq: number;
  at: number;
  changed: string[];
  removed: string[];
  resync: boolean;
}

export interface ChangeBatcherOptions {
  intervalMs: number;
  maxBatchNodes: number;
  pauseCapacity: number;
  scheduler: Scheduler;
  onBatch: (batch: Batch) => void;
}

export class ChangeBatcher {
  readonly #opts: ChangeBatcherOptions;
  readonly #dirty = new Set<string>();
  readonly #removed = new Set<string>();
  #seq = 0;
  #timer: unknown = null;
  #paused = false;
  #since: number | null = null;
  #messagesSincePause = 0;
  #overflowed = false;
  #resyncPending = false;
  #disposed = false;

  constructor(opts: ChangeBatcherOptions) {
    this.#opts = opts;
  }

  /** seq of the last batch sent (0 before the first) */
  get seq(): number {
    return this.#seq;
  }

  /** A topic's state changed; `message` when a message caused it (counted while paused). */
  touch(topicName: string, message = true): void {
    if (this.#paused && message) this.#messagesSincePause += 1;
    if (!this.#overflowed) {
      this.#removed.delete(topicName);
      this.#dirty.add(topicName);
      this.#checkOverflow();
    }
    this.#schedule(this.#opts.intervalMs);
  }

  /** A topic left the model. */
  remove(topicName: string): void {
    if (!this.#overflowed) {
      this.#dirty.delete(topicName);
      this.#removed.add(topicName);
      this.#checkOverflow();
    }
    this.#schedule(this.#opts.intervalMs);
  }

  setPaused(paused: boolean): TopicsPauseDto {
    if (paused !== this.#paused) {
      this.#paused = paused;
      if (paused) {
        this.#since = this.#opts.scheduler.now();
        this.#messagesSincePause = 0;
        this.#schedule(this.#opts.intervalMs);
      } else {
        this.#since = null;
        this.#messagesSincePause = 0;
        if (this.#overflowed) {
          this.#overflowed = false;
          this.#resyncPending = true;
        }
        // Release the buffer right away rather than one interval later.
        this.#cancel();
        this.#schedule(0);
      }
    }
    return this.pauseState();
  }

  pauseState(): TopicsPauseDto {
    return {
      paused: this.#paused,
      since: this.#since,
      messagesSincePause: this.#messagesSincePause,
      bufferedTopics: this.#paused ? this.#dirty.size + this.#removed.size : 0,
      bufferCapacity: this.#opts.pauseCapacity,
      overflowed: this.#overflowed,
    };
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancel();
  }

  #checkOverflow(): void {
    if (this.#paused && this.#dirty.size + this.#removed.size > this.#opts.pauseCapacity) {
      this.#overflowed = true;
      this.#dirty.clear();
      this.#removed.clear();
    }
  }

  #schedule(ms: number): void {
    if (this.#timer !== null || this.#disposed) return;
    this.#timer = this.#opts.scheduler.setTimeout(() => this.#flush(), ms);
  }

  #cancel(): void {
    if (this.#timer !== null) this.#opts.scheduler.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #flush(): void {
    this.#timer = null;
    const at = this.#opts.scheduler.now();
    if (this.#paused) {
      this.#emit({ seq: 0, at, changed: [], removed: [], resync: false });
      return;
    }
    if (this.#resyncPending) {
      this.#resyncPending = false;
      this.#dirty.clear();
      this.#removed.clear();
      this.#emit({ seq: 0, at, changed: [], removed: [], resync: true });
      return;
    }
    const changed = take(this.#dirty, this.#opts.maxBatchNodes);
    const removed = take(this.#removed, this.#opts.maxBatchNodes);
    this.#emit({ seq: 0, at, changed, removed, resync: false });
    if (this.#dirty.size > 0 || this.#removed.size > 0) this.#schedule(this.#opts.intervalMs);
  }

  #emit(batch: Batch): void {
    this.#seq += 1;
    this.#opts.onBatch({ ...batch, seq: this.#seq });
  }
}

/** Removes and returns up to `max` items, oldest first. */
function take(set: Set<string>, max: number): string[] {
  const out: string[] = [];
  for (const item of set) {
    if (out.length >= max) break;
    out.push(item);
  }
  for (const item of out) set.delete(item);
  return out;
}
