/** Topic name and topic filter rules [MQTT-4.7] as the decoder and the broker apply them. */

import { describe, expect, it } from 'vitest';
import { validateTopicFilter, validateTopicName } from '../../../broker-core/topics/validate.js';

describe('validateTopicName', () => {
  it.each([
    'a', 'a/b', '/', '//', 'a/', '/a', 'tele/sonoff-1/SENSOR', '$SYS/broker/uptime', 'a b/c', 'capteur/é', 't/🌡', '\uFFFF', '\uFEFFa',
  ])('accepts %j', (name) => {
    expect(validateTopicName(name)).toBeUndefined();
  });

  it('refuses an empty topic name [MQTT-4.7.3-1]', () => {
    expect(validateTopicName('')).toMatch(/MQTT-4\.7\.3-1/);
  });

  it.each(['+', '#', 'a/+', 'a/#', 'a+b', 'sport/tennis#'])('refuses the wildcard in %j [MQTT-3.3.2-2] [MQTT-4.7.1-1]', (name) => {
    expect(validateTopicName(name)).toMatch(/MQTT-3\.3\.2-2/);
  });

  it('refuses U+0000 [MQTT-4.7.3-2]', () => {
    expect(validateTopicName('a\u0000b')).toMatch(/MQTT-4\.7\.3-2/);
  });

  it.each(['\uD800', 'a\uDC00b', '\uDBFF/x', 'x\uDC00\uD800'])('refuses the unpaired surrogate in %j [MQTT-1.5.3-1]', (name) => {
    expect(validateTopicName(name)).toMatch(/MQTT-1\.5\.3-1/);
  });

  it('accepts exactly 65535 bytes and refuses 65536 [MQTT-4.7.3-3]', () => {
    expect(validateTopicName('a'.repeat(65535))).toBeUndefined();
    expect(validateTopicName('a'.repeat(65536))).toMatch(/MQTT-4\.7\.3-3/);
    expect(validateTopicName('é'.repeat(32767) + 'a')).toBeUndefined(); // 65535 bytes in 32768 units
    expect(validateTopicName('é'.repeat(32768))).toMatch(/MQTT-4\.7\.3-3/);
  });
});

describe('validateTopicFilter', () => {
  it.each([
    'a', 'a/b', '#', '+', '+/+', '/+', '+/', 'a/#', 'a/+/b', '+/tennis/#', '/#', '$SYS/#', 'capteur/é/+', '/', '//',
  ])('accepts %j', (filter) => {
    expect(validateTopicFilter(filter)).toBeUndefined();
  });

  it('refuses an empty topic filter [MQTT-4.7.3-1]', () => {
    expect(validateTopicFilter('')).toMatch(/MQTT-4\.7\.3-1/);
  });

  it.each(['a/#/b', '#/a', 'a#', 'a/b#', '##', 'a/#/'])("refuses %j: '#' must be a whole, last level [MQTT-4.7.1-2]", (filter) => {
    expect(validateTopicFilter(filter)).toMatch(/MQTT-4\.7\.1-2/);
  });

  it.each(['a+', '+a', 'a/b+/c', '++', 'a/+b'])("refuses %j: '+' must be a whole level [MQTT-4.7.1-3]", (filter) => {
    expect(validateTopicFilter(filter)).toMatch(/MQTT-4\.7\.1-3/);
  });

  it('refuses U+0000 and unpaired surrogates [MQTT-4.7.3-2] [MQTT-1.5.3-1]', () => {
    expect(validateTopicFilter('a/\u0000')).toMatch(/MQTT-4\.7\.3-2/);
    expect(validateTopicFilter('a/\uD83C')).toMatch(/MQTT-1\.5\.3-1/);
  });

  it('refuses more than 65535 bytes [MQTT-4.7.3-3]', () => {
    expect(validateTopicFilter('a/'.repeat(32767) + 'a')).toBeUndefined();
    expect(validateTopicFilter('a/'.repeat(32768))).toMatch(/MQTT-4\.7\.3-3/);
  });
});
