/**
 * Contract area `topics`: the live topic explorer (issue 5).
 *
 * The main process keeps one model of every topic the broker routed (per-topic last payload
 * preview, stats and a bounded history, all under one memory budget). The renderer loads a
 * snapshot once and then applies `topics.changes` batches (a few per second, only what
 * changed). Every DTO here is plain JSON; payload bytes travel as base64.
 *
 * Bounds (defaults; the live values are in `TopicsStatsDto.limits`):
 * - a stored payload is at most `previewBytes` (4 KiB); longer ones are cut and `truncated`
 * - `TopicNodeDto.value` is at most `valueChars` (200) characters of that preview
 * - per-topic history holds the last `historyLength` (20) messages
 * - everything together stays under `budgetBytes` (64 MiB, estimated); over it the service
 *   sheds the oldest history first, then the previews of the coldest topics, then the
 *   coldest topics themselves, and counts each in `TopicsStatsDto.shed`
 */

export type TopicQos = 0 | 1 | 2;

/** How `TopicNodeDto.value` shows the payload. `shed`: the memory budget dropped it. */
export type ValueKind = 'text' | 'binary' | 'empty' | 'shed';

/** One topic (a topic name that received at least one message), as the tree shows it. */
export interface TopicNodeDto {
  topicName: string;
  /** the last payload, inline: text (whitespace folded) or hex for binary; ≤ valueChars */
  value: string;
  valueKind: ValueKind;
  /** true when `value` is shorter than the payload it shows */
  valueCut: boolean;
  /** size in bytes of the last payload as published (not of the stored preview) */
  size: number;
  qos: TopicQos;
  /** the RETAIN flag of the last message */
  retain: boolean;
  /** the broker holds a retained message for this topic (as far as this service saw) */
  retained: boolean;
  /** client id that published the last message ('$inline' for the app itself) */
  publisherId: string;
  /** messages received since the app started (or since the topic re-appeared after shedding) */
  count: number;
  /** messages per second, exponentially weighted over `rateWindowMs`, as of `lastAt` */
  rate: number;
  /** ms since epoch of the last message */
  lastAt: number;
}

/** A stored payload: the first `previewBytes` bytes as base64, and the size as published. */
export interface PayloadDto {
  base64: string;
  size: number;
  truncated: boolean;
}

export interface HistoryEntryDto {
  at: number;
  qos: TopicQos;
  retain: boolean;
  publisherId: string;
  payload: PayloadDto;
}

/** The broker's retained message for a topic, from its retained store. */
export interface RetainedInfoDto {
  /** ms since epoch when the broker stored it */
  storedAt: number;
  /** client id of the publisher ('' when unknown) */
  publisherId: string;
  qos: TopicQos;
  payload: PayloadDto;
}

export interface TopicDetailDto {
  node: TopicNodeDto;
  /** oldest first; the last entry is the current value (empty when the budget shed it) */
  history: HistoryEntryDto[];
  /** history entries of this topic the memory budget shed */
  historyShed: number;
  /** the last payload was shed by the memory budget (metadata is still exact) */
  previewShed: boolean;
  /** null when the broker holds no retained message for this topic */
  retained: RetainedInfoDto | null;
}

export interface TopicsLimitsDto {
  previewBytes: number;
  valueChars: number;
  historyLength: number;
  budgetBytes: number;
  batchIntervalMs: number;
  maxBatchNodes: number;
  pauseBufferTopics: number;
  rateWindowMs: number;
}

/** What the memory budget shed since start; never silent. */
export interface TopicsShedDto {
  /** history entries dropped (oldest first) */
  historyEntries: number;
  /** last-payload previews dropped from cold topics (metadata kept) */
  previews: number;
  /** whole topics dropped from the model (coldest first) */
  topics: number;
  /** estimated bytes freed by all of the above */
  bytes: number;
}

export interface TopicsPauseDto {
  paused: boolean;
  /** ms since epoch when the view was paused, null while live */
  since: number | null;
  /** messages that arrived since the pause */
  messagesSincePause: number;
  /** distinct changed topics waiting to be sent on resume */
  bufferedTopics: number;
  /** most distinct topics the pause buffer holds; beyond it the view resyncs on resume */
  bufferCapacity: number;
  /** the buffer overflowed: resume sends `resync` instead of individual changes */
  overflowed: boolean;
}

export interface TopicsStatsDto {
  topics: number;
  /** messages received since start */
  messages: number;
  /** estimated bytes held by the model */
  memoryBytes: number;
  shed: TopicsShedDto;
  pause: TopicsPauseDto;
  limits: TopicsLimitsDto;
}

export interface TopicsSnapshotDto {
  /** the seq of the last `topics.changes` sent before this snapshot; apply only later batches */
  seq: number;
  nodes: TopicNodeDto[];
  stats: TopicsStatsDto;
}

/** One batch of changes. Nodes carry their whole state, so applying one twice is harmless. */
export interface TopicsChangesDto {
  /** increases by one per batch */
  seq: number;
  at: number;
  /** topics that are new or changed since the last batch (at most maxBatchNodes) */
  changed: TopicNodeDto[];
  /** topics that left the model (shed by the budget) */
  removed: string[];
  /** the renderer must reload the snapshot (e.g. the pause buffer overflowed) */
  resync: boolean;
  stats: TopicsStatsDto;
}

export interface PublishTemplateDto {
  id: string;
  name: string;
  topicName: string;
  payload: string;
  qos: TopicQos;
  retain: boolean;
  /** ms since epoch of the last save */
  savedAt: number;
}

export interface PublishTemplatesDto {
  templates: PublishTemplateDto[];
  /** why saved templates could not be read (the file was moved aside), else null */
  problem: string | null;
  /** most templates the library keeps */
  limit: number;
}

/** A clear of one topic, or of a topic and everything below it (`topicName/#` plus itself). */
export interface RetainedScopeDto {
  topicName: string;
  subtree: boolean;
}

export interface TopicsRequests {
  /** every topic and the current stats */
  'topics.snapshot': { request: Record<string, never>; response: TopicsSnapshotDto };
  /** everything about one topic; null when the topic is not (or no longer) in the model */
  'topics.detail': { request: { topicName: string }; response: TopicDetailDto | null };
  /**
   * The broker's retained payload for a topic in full (up to 1 MiB), for when the
   * 4 KiB preview was truncated. null when nothing is retained.
   */
  'topics.retainedPayload': { request: { topicName: string }; response: PayloadDto | null };
  /** topics whose stored last payload contains `text` (case-insensitive), at most `limit` (default 10,000) */
  'topics.searchPayload': {
    request: { text: string; limit?: number };
    response: { topicNames: string[]; truncated: boolean };
  };
  /** freeze (or unfreeze) the view; changes are buffered meanwhile */
  'topics.pause': { request: { paused: boolean }; response: TopicsPauseDto };
  /** how many retained messages a clear would remove, and whether it could be undone */
  'topics.retainedCount': { request: RetainedScopeDto; response: { count: number; undoable: boolean } };
  /** removes the retained messages; `undoId` restores them once (null when not undoable) */
  'topics.clearRetained': { request: RetainedScopeDto; response: { cleared: number; undoId: string | null } };
  /** restores the last clear; topics that got a new retained message since are skipped */
  'topics.undoClear': { request: { undoId: string }; response: { restored: number; skipped: number } };
  'topics.publish': {
    request: { topicName: string; payload: string; qos: TopicQos; retain: boolean };
    response: Record<string, never>;
  };
  'topics.templates': { request: Record<string, never>; response: PublishTemplatesDto };
  /** insert (no id) or replace (id) a template */
  'topics.saveTemplate': {
    request: { id?: string; name: string; topicName: string; payload: string; qos: TopicQos; retain: boolean };
    response: PublishTemplatesDto;
  };
  'topics.deleteTemplate': { request: { id: string }; response: PublishTemplatesDto };
}

export interface TopicsEvents {
  /** at most every batchIntervalMs while anything changed (also while paused: stats only) */
  'topics.changes': TopicsChangesDto;
}
