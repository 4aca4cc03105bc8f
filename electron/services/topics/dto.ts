/**
 * Model → contract DTOs. Built when a batch or a request goes out, never per message.
 */

import type { RetainedRecord } from '../../../broker-core/index.js';
import type { HistoryEntryDto, PayloadDto, RetainedInfoDto, TopicDetailDto, TopicNodeDto } from '../../contract/topics.js';
import type { TopicsLimits } from './limits.js';
import { inlineValue, isTruncated, storedBytes, toBase64, type StoredPayload } from './payload.js';
import type { HistoryEntry, TopicNode } from './topic-store.js';

export function currentPayload(node: TopicNode): HistoryEntry | null {
  return node.previewShed ? null : (node.history[node.history.length - 1] ?? null);
}

export function toNodeDto(node: TopicNode, limits: TopicsLimits): TopicNodeDto {
  const shown = inlineValue(currentPayload(node), limits.valueChars);
  return {
    topicName: node.topicName,
    value: shown.value,
    valueKind: shown.kind,
    valueCut: shown.cut,
    size: node.size,
    qos: node.qos,
    retain: node.retain,
    retained: node.retained,
    publisherId: node.publisherId,
    count: node.count,
    rate: node.rate,
    lastAt: node.lastAt,
  };
}

export function toPayloadDto(stored: StoredPayload): PayloadDto {
  return { base64: toBase64(storedBytes(stored)), size: stored.size, truncated: isTruncated(stored) };
}

/** The first `maxBytes` of a payload we do not own (the broker's retained store). */
export function boundedPayloadDto(payload: Uint8Array, maxBytes: number): PayloadDto {
  const kept = payload.subarray(0, Math.min(payload.byteLength, maxBytes));
  return { base64: toBase64(kept), size: payload.byteLength, truncated: kept.byteLength < payload.byteLength };
}

function toHistoryDto(entry: HistoryEntry): HistoryEntryDto {
  return { at: entry.at, qos: entry.qos, retain: entry.retain, publisherId: entry.publisherId, payload: toPayloadDto(entry) };
}

export function toRetainedDto(record: RetainedRecord, maxBytes: number): RetainedInfoDto {
  return {
    storedAt: record.storedAt,
    publisherId: record.publisherId,
    qos: record.qos,
    payload: boundedPayloadDto(record.payload, maxBytes),
  };
}

export function toDetailDto(node: TopicNode, retained: RetainedRecord | null, limits: TopicsLimits): TopicDetailDto {
  return {
    node: toNodeDto(node, limits),
    history: node.history.map(toHistoryDto),
    historyShed: node.historyShed,
    previewShed: node.previewShed,
    retained: retained ? toRetainedDto(retained, limits.previewBytes) : null,
  };
}
