import type { TopicQos, TopicsEvents, TopicsRequests } from '../../contract/index.js';
import type { AreaEventNames, AreaValidators } from './index.js';
import { emptyRequest, fields, idRequest, invalid, optionalInteger, text, valid, type Validation } from './guards.js';

/** Largest payload the publish form may send (the broker has its own, larger packet bound). */
export const MAX_PUBLISH_PAYLOAD_CHARS = 256 * 1024;
/** Largest payload a saved template may hold. */
export const MAX_TEMPLATE_PAYLOAD_CHARS = 64 * 1024;
export const MAX_TEMPLATE_NAME_CHARS = 100;
export const MAX_SEARCH_TEXT_CHARS = 1000;
export const MAX_SEARCH_LIMIT = 50_000;
const MAX_ID_CHARS = 100;

/** [MQTT-1.5.3] a UTF-8 string is at most 65,535 bytes. */
const MAX_TOPIC_BYTES = 65_535;

function boolean(input: Record<string, unknown>, key: string): Validation<boolean> {
  const v = input[key];
  return typeof v === 'boolean' ? valid(v) : invalid(`${key} must be true or false`);
}

function qos(input: Record<string, unknown>): Validation<TopicQos> {
  const v = input['qos'];
  return v === 0 || v === 1 || v === 2 ? valid(v) : invalid('qos must be 0, 1 or 2');
}

/**
 * A topic name a message can be published to: [MQTT-4.7.3-1] at least one character,
 * [MQTT-3.3.2-2] no wildcards, [MQTT-1.5.3-2] no U+0000, at most 65,535 UTF-8 bytes.
 */
export function checkTopicName(v: unknown, key = 'topicName'): Validation<string> {
  if (typeof v !== 'string' || v.length === 0) return invalid(`${key} must be a non-empty string`);
  if (v.includes('+') || v.includes('#')) return invalid(`${key} must not contain the wildcards + or #`);
  if (v.includes('\u0000')) return invalid(`${key} must not contain U+0000`);
  if (Buffer.byteLength(v, 'utf8') > MAX_TOPIC_BYTES) return invalid(`${key} is longer than 65535 bytes`);
  return valid(v);
}

function topicOnly(input: unknown): Validation<{ topicName: string }> {
  const f = fields(input, ['topicName']);
  if (!f.ok) return f;
  const t = checkTopicName(f.value['topicName']);
  return t.ok ? valid({ topicName: t.value }) : t;
}

/** What a publish and a saved template both carry, checked in this order. */
function message(input: Record<string, unknown>, maxPayloadChars: number): Validation<{ topicName: string; payload: string; qos: TopicQos; retain: boolean }> {
  const topicName = checkTopicName(input['topicName']);
  if (!topicName.ok) return topicName;
  const payload = text(input['payload'], 'payload', 0, maxPayloadChars);
  if (!payload.ok) return payload;
  const q = qos(input);
  if (!q.ok) return q;
  const retain = boolean(input, 'retain');
  if (!retain.ok) return retain;
  return valid({ topicName: topicName.value, payload: payload.value, qos: q.value, retain: retain.value });
}

/** A subtree may be rooted at the empty first level of topics like "/a" (filter "/#"). */
function scope(input: unknown): Validation<{ topicName: string; subtree: boolean }> {
  const f = fields(input, ['topicName', 'subtree']);
  if (!f.ok) return f;
  const subtree = boolean(f.value, 'subtree');
  if (!subtree.ok) return subtree;
  const raw = f.value['topicName'];
  const t = subtree.value && raw === '' ? valid('') : checkTopicName(raw);
  return t.ok ? valid({ topicName: t.value, subtree: subtree.value }) : t;
}

export const topicsValidators: AreaValidators<TopicsRequests> = {
  'topics.snapshot': emptyRequest,
  'topics.detail': topicOnly,
  'topics.retainedPayload': topicOnly,
  'topics.searchPayload': (input) => {
    const f = fields(input, ['text', 'limit']);
    if (!f.ok) return f;
    const search = text(f.value['text'], 'text', 1, MAX_SEARCH_TEXT_CHARS);
    if (!search.ok) return search;
    const limit = optionalInteger(f.value, 'limit', 1, MAX_SEARCH_LIMIT);
    if (!limit.ok) return limit;
    return valid(limit.value === undefined ? { text: search.value } : { text: search.value, limit: limit.value });
  },
  'topics.pause': (input) => {
    const f = fields(input, ['paused']);
    if (!f.ok) return f;
    const paused = boolean(f.value, 'paused');
    return paused.ok ? valid({ paused: paused.value }) : paused;
  },
  'topics.retainedCount': scope,
  'topics.clearRetained': scope,
  'topics.undoClear': idRequest('undoId', MAX_ID_CHARS),
  'topics.publish': (input) => {
    const f = fields(input, ['topicName', 'payload', 'qos', 'retain']);
    return f.ok ? message(f.value, MAX_PUBLISH_PAYLOAD_CHARS) : f;
  },
  'topics.templates': emptyRequest,
  'topics.saveTemplate': (input) => {
    const f = fields(input, ['id', 'name', 'topicName', 'payload', 'qos', 'retain']);
    if (!f.ok) return f;
    const id = f.value['id'] === undefined ? valid(undefined) : text(f.value['id'], 'id', 1, MAX_ID_CHARS);
    if (!id.ok) return id;
    const name = text(f.value['name'], 'name', 1, MAX_TEMPLATE_NAME_CHARS);
    if (!name.ok) return name;
    const m = message(f.value, MAX_TEMPLATE_PAYLOAD_CHARS);
    if (!m.ok) return m;
    const base = { name: name.value, ...m.value };
    return valid(id.value === undefined ? base : { ...base, id: id.value });
  },
  'topics.deleteTemplate': idRequest('id', MAX_ID_CHARS),
};

export const topicsEventNames: AreaEventNames<TopicsEvents> = {
  'topics.changes': true,
};
