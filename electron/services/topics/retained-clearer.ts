/**
 * Clearing retained messages from the explorer, with one level of Undo.
 *
 * A clear captures the retained records it removes (bounded by `undoMaxTopics` and
 * `undoMaxBytes`; a bigger clear still works but cannot be undone, and the confirmation says
 * so up front). Only the most recent clear can be undone, once. Undo puts each record back
 * unless the topic got a new retained message in the meantime: the newer value wins.
 */

import type { RetainedRecord } from '../../../broker-core/index.js';
import type { RetainedScopeDto } from '../../contract/topics.js';

/** The part of the broker the clearer needs. */
export interface RetainedStorePort {
  /** retained records whose topic matches a topic filter */
  retained(topicFilter: string): Promise<RetainedRecord[]>;
  clearRetained(topicName: string): Promise<void>;
  /** puts a record back into the retained store */
  restoreRetained(record: RetainedRecord): Promise<void>;
}

export interface RetainedClearerOptions {
  port: RetainedStorePort;
  undoMaxTopics: number;
  undoMaxBytes: number;
  /** told about every topic whose retained state the clearer changed */
  onRetainedChanged: (topicName: string, retained: boolean) => void;
  newId: () => string;
}

interface UndoEntry {
  id: string;
  records: RetainedRecord[];
}

/** [MQTT-4.7.1-2] "a/#" also matches "a" itself, so the subtree filter covers the parent too. */
export function scopeFilter(scope: RetainedScopeDto): string {
  return scope.subtree ? `${scope.topicName}/#` : scope.topicName;
}

export class RetainedClearer {
  readonly #opts: RetainedClearerOptions;
  #undo: UndoEntry | null = null;

  constructor(opts: RetainedClearerOptions) {
    this.#opts = opts;
  }

  async count(scope: RetainedScopeDto): Promise<{ count: number; undoable: boolean }> {
    const records = await this.#opts.port.retained(scopeFilter(scope));
    return { count: records.length, undoable: this.#fitsUndo(records) };
  }

  async clear(scope: RetainedScopeDto): Promise<{ cleared: number; undoId: string | null }> {
    const records = await this.#opts.port.retained(scopeFilter(scope));
    const undoable = this.#fitsUndo(records);
    // A new clear replaces the previous Undo even when it cannot itself be undone.
    this.#undo = null;
    const cleared: RetainedRecord[] = [];
    for (const record of records) {
      await this.#opts.port.clearRetained(record.topicName);
      cleared.push(record);
      this.#opts.onRetainedChanged(record.topicName, false);
    }
    if (!undoable || cleared.length === 0) return { cleared: cleared.length, undoId: null };
    const id = this.#opts.newId();
    this.#undo = { id, records: cleared };
    return { cleared: cleared.length, undoId: id };
  }

  /** null when `undoId` is not the latest clear (or was already undone) */
  async undo(undoId: string): Promise<{ restored: number; skipped: number } | null> {
    const entry = this.#undo;
    if (!entry || entry.id !== undoId) return null;
    this.#undo = null;
    let restored = 0;
    let skipped = 0;
    for (const record of entry.records) {
      const now = await this.#opts.port.retained(record.topicName);
      if (now.length > 0) {
        skipped += 1;
        continue;
      }
      await this.#opts.port.restoreRetained(record);
      this.#opts.onRetainedChanged(record.topicName, true);
      restored += 1;
    }
    return { restored, skipped };
  }

  #fitsUndo(records: RetainedRecord[]): boolean {
    if (records.length > this.#opts.undoMaxTopics) return false;
    let bytes = 0;
    for (const r of records) bytes += r.payload.byteLength + 2 * r.topicName.length;
    return bytes <= this.#opts.undoMaxBytes;
  }
}
