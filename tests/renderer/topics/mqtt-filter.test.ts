import { describe, expect, it } from 'vitest';
import { checkFilter, compileFilter } from '../../../renderer/src/topics/mqtt-filter.js';

describe('renderer MQTT filter', () => {
  it('[MQTT-4.7.1-2] [MQTT-4.7.1-3] accepts well-formed filters and explains malformed ones', () => {
    for (const f of ['#', 'a/#', '+', 'a/+/c', '+/+', 'a//b', '/#']) expect(checkFilter(f)).toEqual({ ok: true });
    expect(checkFilter('a/#/c')).toMatchObject({ ok: false });
    expect(checkFilter('a#')).toMatchObject({ ok: false });
    expect(checkFilter('a/b+')).toMatchObject({ ok: false });
    expect(checkFilter('')).toMatchObject({ ok: false });
  });

  it('matches single-level and multi-level wildcards, "a/#" including "a" itself', () => {
    const m = compileFilter('home/+/temp');
    expect(m('home/kitchen/temp')).toBe(true);
    expect(m('home/kitchen/hum')).toBe(false);
    expect(m('home/kitchen/temp/x')).toBe(false);
    expect(m('home//temp')).toBe(true);
    const all = compileFilter('home/#');
    expect(all('home')).toBe(true);
    expect(all('home/a/b/c')).toBe(true);
    expect(all('homes')).toBe(false);
    expect(compileFilter('exact/topic')('exact/topic')).toBe(true);
  });

  it('[MQTT-4.7.2-1] does not match $-topics with a leading wildcard', () => {
    expect(compileFilter('#')('$SYS/broker/uptime')).toBe(false);
    expect(compileFilter('+/broker/uptime')('$SYS/broker/uptime')).toBe(false);
    expect(compileFilter('$SYS/#')('$SYS/broker/uptime')).toBe(true);
  });
});
