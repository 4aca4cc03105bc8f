import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryService } from '../../../electron/services/history/history-service.js';
import { Clock, DAY, HOUR, MIN, T0, TEMP, TEMP_KEY, msg, openHistory, sensor, tempDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(limits = {}): Promise<{ dir: string; clock: Clock; h: HistoryService; problems: string[] }> {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  const clock = new Clock();
  const problems: string[] = [];
  const h = await openHistory(dir, clock, limits, problems);
  cleanups.push(() => h.close());
  return { dir, clock, h, problems };
}

describe('history recording', () => {
  it('records a charted JSON field from every message on its topic, with time and publisher', async () => {
    const { h } = await setup();
    await h.setCharted([TEMP]);
    for (let i = 0; i < 5; i++) h.ingest(msg('tele/lab-07/SENSOR', sensor(20 + i), T0 + i * 10_000));
    const res = await h.history([TEMP_KEY], T0 - MIN, T0 + MIN, 1000);
    expect(res.series[0]).toMatchObject({ key: TEMP_KEY, tier: 'raw', bucketMs: 0, publisherId: 'tasmota-lab-07' });
    expect(res.series[0]!.t).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * 10_000));
    expect(res.series[0]!.v).toEqual([20, 21, 22, 23, 24]);
    expect(h.counters()).toMatchObject({ recorded: 5, thinned: 0, notNumeric: 0 });
  });

  it('keeps two values that arrive in the same millisecond (raw spacing off)', async () => {
    const { h } = await setup({ rawMinSpacingMs: 0 });
    await h.setCharted([TEMP]);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(1), T0));
    h.ingest(msg('tele/lab-07/SENSOR', sensor(2), T0));
    await h.flush();
    h.ingest(msg('tele/lab-07/SENSOR', sensor(3), T0));
    expect((await h.history([TEMP_KEY], T0 - MIN, T0 + MIN, 100)).series[0]!.v).toEqual([1, 2, 3]);
  });

  it('looks nothing up but the topic for uncharted topics: no decoding, no JSON parsing', async () => {
    const { h } = await setup();
    await h.setCharted([TEMP]);
    const parse = vi.spyOn(JSON, 'parse');
    const decode = vi.spyOn(TextDecoder.prototype, 'decode');
    try {
      for (let i = 0; i < 1000; i++) h.ingest(msg(`tele/other-${i}/SENSOR`, sensor(i), T0 + i));
      expect(parse).not.toHaveBeenCalled();
      expect(decode).not.toHaveBeenCalled();
      h.ingest(msg('tele/lab-07/SENSOR', sensor(1), T0));
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
      decode.mockRestore();
    }
    expect(h.counters().recorded).toBe(1);
  });

  it('counts messages on charted topics that carry no number, and too large payloads, instead of recording them', async () => {
    const { h } = await setup({ maxPayloadBytes: 100 });
    await h.setCharted([TEMP, { topicName: 'lab/plain', path: [] }]);
    h.ingest(msg('tele/lab-07/SENSOR', '{"AM2301":{"Temperature":"n/a"}}', T0));
    h.ingest(msg('lab/plain', 'ON', T0));
    h.ingest(msg('lab/plain', `${'1'.repeat(101)}`, T0));
    h.ingest(msg('lab/plain', '42', T0 + 1));
    expect(h.counters()).toMatchObject({ recorded: 1, notNumeric: 2, tooLarge: 1 });
  });

  it('keeps at most one raw point per rawMinSpacingMs, while the 1-minute buckets count every value', async () => {
    const { h, clock } = await setup();
    await h.setCharted([TEMP]);
    // 10 values per second for 2 minutes
    const values: number[] = [];
    for (let i = 0; i < 1200; i++) {
      const v = Math.sin(i / 10) * 10 + 20;
      values.push(v);
      h.ingest(msg('tele/lab-07/SENSOR', sensor(v), T0 + i * 100));
    }
    clock.t = T0 + 2 * MIN;
    const raw = await h.history([TEMP_KEY], T0, T0 + 2 * MIN, 20_000);
    expect(raw.series[0]!.t).toHaveLength(120);
    expect(h.counters()).toMatchObject({ recorded: 1200, thinned: 1080 });
    // 24 h window: read from the 1-minute tier, which saw all 1200 values
    const day = await h.history([TEMP_KEY], clock.t - DAY, clock.t, 2000);
    const s = day.series[0]!;
    expect(s.tier).toBe('1m');
    expect(s.bucketMs).toBe(MIN);
    expect(s.count).toEqual([600, 600]);
    expect(s.min[0]).toBe(Math.min(...values.slice(0, 600)));
    expect(s.max[1]).toBe(Math.max(...values.slice(600)));
    expect(s.v[0]).toBeCloseTo(values.slice(0, 600).reduce((a, b) => a + b, 0) / 600, 9);
  });

  it('answers from the finest tier that holds the range, and never more than maxPoints values', async () => {
    const { h, clock } = await setup();
    await h.setCharted([TEMP]);
    // one value every 30 s for 3 days
    const start = T0 - 3 * DAY;
    for (let t = start; t < T0; t += 30_000) h.ingest(msg('tele/lab-07/SENSOR', sensor((t / 30_000) % 50), t));
    await h.flush();
    clock.t = T0;
    const q = async (from: number, to: number, maxPoints: number) => (await h.history([TEMP_KEY], from, to, maxPoints)).series[0]!;
    const hour = await q(T0 - HOUR, T0, 1000);
    expect(hour).toMatchObject({ tier: 'raw', bucketMs: 0 });
    expect(hour.t).toHaveLength(120);
    const sixHoursSmall = await q(T0 - 6 * HOUR, T0, 100);
    expect(sixHoursSmall.tier).toBe('raw');
    expect(sixHoursSmall.t.length).toBeLessThanOrEqual(100);
    expect(sixHoursSmall.count.reduce((a, b) => a + b, 0)).toBe(720);
    const day = await q(T0 - DAY, T0, 1500);
    expect(day).toMatchObject({ tier: '1m', bucketMs: MIN });
    expect(day.t).toHaveLength(1440);
    const week = await q(T0 - 7 * DAY, T0, 1000);
    expect(week.tier).toBe('1m');
    expect(week.t.length).toBeLessThanOrEqual(1000);
    expect(week.count.reduce((a, b) => a + b, 0)).toBe(3 * 2880);
    const month = await q(T0 - 30 * DAY, T0, 3000);
    expect(month).toMatchObject({ tier: '15m', bucketMs: 15 * MIN });
    expect(month.count.reduce((a, b) => a + b, 0)).toBe(3 * 2880);
  });

  it('stops recording series taken off every chart but keeps their history', async () => {
    const { h } = await setup();
    await h.setCharted([TEMP]);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(21), T0));
    await h.setCharted([]);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(22), T0 + 5000));
    expect(h.recordingKeys()).toEqual([]);
    const res = await h.history([TEMP_KEY], T0 - MIN, T0 + MIN, 100);
    expect(res.series[0]!.v).toEqual([21]);
  });

  it('refuses to record more distinct series than maxSeries', async () => {
    const { h } = await setup({ maxSeries: 3 });
    const refs = [0, 1, 2, 3].map((i) => ({ topicName: `lab/${i}`, path: [] }));
    await expect(h.setCharted(refs)).rejects.toThrow(/at most 3/);
    await h.setCharted(refs.slice(0, 3));
    expect(h.recordingKeys()).toHaveLength(3);
  });

  it('sends new values in live batches keyed by series, then nothing until more arrive', async () => {
    const { h } = await setup();
    await h.setCharted([TEMP]);
    expect(h.takeLive()).toBeNull();
    h.ingest(msg('tele/lab-07/SENSOR', sensor(21), T0));
    h.ingest(msg('tele/lab-07/SENSOR', sensor(22), T0 + 100));
    expect(h.takeLive()).toMatchObject({ points: [{ key: TEMP_KEY, t: [T0, T0 + 100], v: [21, 22], publisherId: 'tasmota-lab-07' }], periods: [], liveShed: 0 });
    expect(h.takeLive()).toBeNull();
  });

  it('bounds a live batch per series and counts what it left out', async () => {
    const { h } = await setup({ maxLivePointsPerSeries: 10 });
    await h.setCharted([TEMP]);
    for (let i = 0; i < 25; i++) h.ingest(msg('tele/lab-07/SENSOR', sensor(i), T0 + i));
    const live = h.takeLive()!;
    expect(live.points[0]!.v).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(live.liveShed).toBe(15);
    expect(h.counters().liveShed).toBe(15);
  });

  it('writes segment files per tier and UTC day (15-minute buckets per month)', async () => {
    const { h, dir, clock } = await setup();
    await h.setCharted([TEMP]);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(1), Date.UTC(2026, 0, 9, 23, 59, 30)));
    h.ingest(msg('tele/lab-07/SENSOR', sensor(2), Date.UTC(2026, 0, 10, 0, 0, 30)));
    clock.t = Date.UTC(2026, 0, 10, 0, 20);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(3), clock.t));
    await h.flush();
    const [seriesDir] = await readdir(join(dir, 'history', 'series'));
    const files = (await readdir(join(dir, 'history', 'series', seriesDir!))).sort();
    expect(files).toEqual(['15m-2026-01.bin', '1m-2026-01-09.bin', '1m-2026-01-10.bin', 'raw-2026-01-09.bin', 'raw-2026-01-10.bin']);
  });
});
