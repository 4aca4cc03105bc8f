import type { TopicQos, TopicsEvents, TopicsRequests } from '../../contract/index.js';
import type { AreaEventNames, AreaValidators } from './index.js';
import { emptyRequest, invalid, isPlainObject, optionalInteger, unknownKeys, valid, type Validation } from './guards.js';

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

function fields(input: unknown, allowed: readonly string[]): Validation<Record<string, unknown>> {
  if (!isPlainObject(input)) return invalid('request must be an object');
  const extra = unknownKeys(input, allowed);
  if (extra.length > 0) return invalid(`unexpected field(s): ${extra.join(', ')}`);
  return valid(input);
}

function string(input: Record<string, unknown>, key: string, min: number, max: number): Validation<string> {
  const v = input[key];
  if (typeof v !== 'string') return invalid(`${key} must be a string`);
  if (v.length < min || v.length > max) return invalid(`${key} must have ${min} to ${max} characters`);
  return valid(v);
}

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
    const text = string(f.value, 'text', 1, MAX_SEARCH_TEXT_CHARS);
    if (!text.ok) return text;
    const limit = optionalInteger(f.value, 'limit', 1, MAX_SEARCH_LIMIT);
    if (!limit.ok) return limit;
    return valid(limit.value === undefined ? { text: text.value } : { text: text.value, limit: limit.value });
  },
  'topics.pause': (input) => {
    const f = fields(input, ['paused']);
    if (!f.ok) return f;
    const paused = boolean(f.value, 'paused');
    return paused.ok ? valid({ paused: paused.value }) : paused;
  },
  'topics.retainedCount': scope,
  'topics.clearRetained': scope,
  'topics.undoClear': (input) => {
    const f = fields(input, ['undoId']);
    if (!f.ok) return f;
    const id = string(f.value, 'undoId', 1, MAX_ID_CHARS);
    return id.ok ? valid({ undoId: id.value }) : id;
  },
  'topics.publish': (input) => {
    const f = fields(input, ['topicName', 'payload', 'qos', 'retain']);
    if (!f.ok) return f;
    const topicName = checkTopicName(f.value['topicName']);
    if (!topicName.ok) return topicName;
    const payload = string(f.value, 'payload', 0, MAX_PUBLISH_PAYLOAD_CHARS);
    if (!payload.ok) return payload;
    const q = qos(f.value);
    if (!q.ok) return q;
    const retain = boolean(f.value, 'retain');
    if (!retain.ok) return retain;
    return valid({ topicName: topicName.value, payload: payload.value, qos: q.value, retain: retain.value });
  },
  'topics.templates': emptyRequest,
  'topics.saveTemplate': (input) => {
    const f = fields(input, ['id', 'name', 'topicName', 'payload', 'qos', 'retain']);
    if (!f.ok) return f;
    const id = f.value['id'] === undefined ? valid(undefined) : string(f.value, 'id', 1, MAX_ID_CHARS);
    if (!id.ok) return id;
    const name = string(f.value, 'name', 1, MAX_TEMPLATE_NAME_CHARS);
    if (!name.ok) return name;
    const topicName = checkTopicName(f.value['topicName']);
    if (!topicName.ok) return topicName;
    const payload = string(f.value, 'payload', 0, MAX_TEMPLATE_PAYLOAD_CHARS);
    if (!payload.ok) return payload;
    const q = qos(f.value);
    if (!q.ok) return q;
    const retain = boolean(f.value, 'retain');
    if (!retain.ok) return retain;
    const base = { name: name.value, topicName: topicName.value, payload: payload.value, qos: q.value, retain: retain.value };
    return valid(id.value === undefined ? base : { ...base, id: id.value });
  },
  'topics.deleteTemplate': (input) => {
    const f = fields(input, ['id']);
    if (!f.ok) return f;
    const id = string(f.value, 'id', 1, MAX_ID_CHARS);
    return id.ok ? valid({ id: id.value }) : id;
  },
};

export const topicsEventNames: AreaEventNames<TopicsEvents> = {
  'topics.changes': true,
};
