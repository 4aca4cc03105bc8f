import { describe, expect, it } from 'vitest';
import { topicsValidators } from '../../../electron/bridge/validators/topics.js';

const v = topicsValidators;

describe('topics request validation', () => {
  it('[MQTT-3.3.2-2] [MQTT-4.7.3-1] refuses to publish to an empty topic or one with wildcards', () => {
    const base = { payload: 'x', qos: 0, retain: false };
    expect(v['topics.publish']({ ...base, topicName: 'a/b' })).toEqual({ ok: true, value: { ...base, topicName: 'a/b' } });
    expect(v['topics.publish']({ ...base, topicName: '' })).toMatchObject({ ok: false });
    expect(v['topics.publish']({ ...base, topicName: 'a/+/b' })).toMatchObject({ ok: false, message: expect.stringMatching(/wildcards/) });
    expect(v['topics.publish']({ ...base, topicName: 'a/#' })).toMatchObject({ ok: false });
    expect(v['topics.publish']({ ...base, topicName: 'a\u0000b' })).toMatchObject({ ok: false });
    expect(v['topics.publish']({ ...base, topicName: 'a', qos: 3 })).toMatchObject({ ok: false, message: 'qos must be 0, 1 or 2' });
    expect(v['topics.publish']({ ...base, topicName: 'a', extra: 1 })).toMatchObject({ ok: false, message: 'unexpected field(s): extra' });
  });

  it('allows a subtree clear rooted at the empty first level, but not an empty single topic', () => {
    expect(v['topics.clearRetained']({ topicName: '', subtree: true })).toEqual({ ok: true, value: { topicName: '', subtree: true } });
    expect(v['topics.clearRetained']({ topicName: '', subtree: false })).toMatchObject({ ok: false });
    expect(v['topics.retainedCount']({ topicName: 'a/+', subtree: true })).toMatchObject({ ok: false });
  });

  it('bounds search text and limits, and checks templates field by field', () => {
    expect(v['topics.searchPayload']({ text: 'x', limit: 10 })).toEqual({ ok: true, value: { text: 'x', limit: 10 } });
    expect(v['topics.searchPayload']({ text: '' })).toMatchObject({ ok: false });
    expect(v['topics.searchPayload']({ text: 'x', limit: 10_000_000 })).toMatchObject({ ok: false });
    const t = { name: 'n', topicName: 't', payload: '', qos: 1, retain: true };
    expect(v['topics.saveTemplate'](t)).toEqual({ ok: true, value: t });
    expect(v['topics.saveTemplate']({ ...t, id: 'abc' })).toEqual({ ok: true, value: { ...t, id: 'abc' } });
    expect(v['topics.saveTemplate']({ ...t, name: '' })).toMatchObject({ ok: false });
    expect(v['topics.pause']({ paused: 'yes' })).toMatchObject({ ok: false });
    expect(v['topics.snapshot'](undefined)).toEqual({ ok: true, value: {} });
  });
});
