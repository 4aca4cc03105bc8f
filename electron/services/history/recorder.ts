/**
 * The hot path: every message the broker routes passes through `ingest`. For a topic nobody
 * charts that is one Map lookup and nothing else (no decoding, no JSON parsing). For a charted
 * topic the payload is decoded and parsed once, however many series read from it, and each
 * value goes into its series' in-memory state; the disk is written later, in batches.
 */

import type { PublishedMessage } from '../../../broker-core/index.js';
import { extractNumber, PayloadReader } from './extract.js';
import type { HistoryLimits } from './limits.js';
import type { RecordCounters, SeriesState } from './series-state.js';

export interface IngestCounters extends RecordCounters {
  notNumeric: number;
  tooLarge: number;
}

export class Recorder {
  #byTopic = new Map<string, SeriesState[]>();
  #byKey = new Map<string, SeriesState>();
  /** client ids publishing charted series → how many series they publish */
  #publishers = new Map<string, number>();

  constructor(
    private readonly limits: HistoryLimits,
    private readonly counters: IngestCounters,
    /** told when a series' publisher changes (the catalog remembers it) */
    private readonly onPublisher: (state: SeriesState) => void,
  ) {}

  /** Replaces the set of recorded series. */
  setSeries(states: SeriesState[]): void {
    const byTopic = new Map<string, SeriesState[]>();
    const byKey = new Map<string, SeriesState>();
    for (const s of states) {
      byKey.set(s.id.key, s);
      const list = byTopic.get(s.id.topicName);
      if (list) list.push(s);
      else byTopic.set(s.id.topicName, [s]);
    }
    this.#byTopic = byTopic;
    this.#byKey = byKey;
    this.#recountPublishers();
  }

  #recountPublishers(): void {
    this.#publishers = new Map();
    for (const s of this.#byKey.values()) {
      if (s.publisherId !== null) this.#publishers.set(s.publisherId, (this.#publishers.get(s.publisherId) ?? 0) + 1);
    }
  }

  get(key: string): SeriesState | undefined {
    return this.#byKey.get(key);
  }

  states(): IterableIterator<SeriesState> {
    return this.#byKey.values();
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** A client whose offline periods are worth recording: it publishes a charted series. */
  watches(clientId: string): boolean {
    return this.#publishers.has(clientId);
  }

  ingest(msg: PublishedMessage): void {
    const list = this.#byTopic.get(msg.topicName);
    if (list === undefined) return;
    if (msg.payload.byteLength > this.limits.maxPayloadBytes) {
      this.counters.tooLarge++;
      return;
    }
    const reader = new PayloadReader(msg.payload);
    for (const s of list) {
      const value = extractNumber(reader, s.id.path);
      if (value === null) {
        this.counters.notNumeric++;
        continue;
      }
      if (s.publisherId !== msg.publisherId) {
        s.publisherId = msg.publisherId;
        this.#recountPublishers();
        this.onPublisher(s);
      }
      s.add(msg.at, value, msg.publisherId);
    }
  }
}
