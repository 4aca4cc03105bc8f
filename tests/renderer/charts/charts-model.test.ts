import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../renderer/src/charts/csv.js';
import { MAX_LEAVES, numericLeaves } from '../../../renderer/src/charts/json-leaves.js';
import { mergeRaw, SeriesBuffer } from '../../../renderer/src/charts/series-buffer.js';
import { stepFor, timeTicks } from '../../../renderer/src/charts/time-axis.js';
import type { SeriesHistoryDto } from '../../../electron/contract/charts.js';

const history = (t: number[], v: number[], extra: Partial<SeriesHistoryDto> = {}): SeriesHistoryDto => ({
  key: 'k',
  tier: 'raw',
  bucketMs: 0,
  t,
  v,
  min: [],
  max: [],
  count: [],
  publisherId: 'dev',
  periods: [],
  ...extra,
});

describe('chart time axis', () => {
  it('places ticks at round times, never more than asked for', () => {
    const min = Date.UTC(2026, 0, 10, 12, 3, 17);
    for (const [range, maxTicks] of [
      [15 * 60_000, 8],
      [3_600_000, 6],
      [86_400_000, 10],
      [7 * 86_400_000, 7],
      [20_000, 10],
    ] as const) {
      const { step, ticks } = timeTicks(min, min + range, maxTicks);
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.length).toBeLessThanOrEqual(maxTicks + 1);
      for (const t of ticks) {
        expect(t).toBeGreaterThanOrEqual(min);
        expect(t).toBeLessThanOrEqual(min + range);
        // round in local time
        const local = t - new Date(t).getTimezoneOffset() * 60_000;
        expect(local % step).toBe(0);
      }
    }
    expect(stepFor(15 * 60_000, 8)).toBe(2 * 60_000);
  });
});

describe('numeric values offered for charting', () => {
  it('lists every number in a JSON payload with its path, and a plain number as the whole payload', () => {
    expect(numericLeaves('{"AM2301":{"Temperature":21.7,"Humidity":"48"},"TempUnit":"C","List":[1,true]}').leaves).toEqual([
      { path: ['AM2301', 'Temperature'], value: 21.7 },
      { path: ['AM2301', 'Humidity'], value: 48 },
      { path: ['List', '0'], value: 1 },
    ]);
    expect(numericLeaves(' 23.5 ').leaves).toEqual([{ path: [], value: 23.5 }]);
    expect(numericLeaves('ON').leaves).toEqual([]);
    expect(numericLeaves('{"broken":').leaves).toEqual([]);
  });

  it('offers at most MAX_LEAVES values of a huge payload and says it cut the list', () => {
    const big = JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`v${i}`, i])));
    const { leaves, truncated } = numericLeaves(big);
    expect(leaves).toHaveLength(MAX_LEAVES);
    expect(truncated).toBe(true);
  });
});

describe('chart data export', () => {
  it('writes RFC 4180 CSV with quoting, one row per value, bucket summaries when present', () => {
    const csv = toCsv([
      { label: 'Lab "7", temp', topicName: 'tele/lab-07/SENSOR', path: ['AM2301', 'Temperature'], points: [{ x: Date.UTC(2026, 0, 10), y: 21.5 }] },
      { label: 'Hum', topicName: 'h', path: [], points: [{ x: Date.UTC(2026, 0, 10, 0, 1), y: 40, min: 39, max: 41, count: 3 }] },
    ]);
    expect(csv).toBe(
      'series,topic,path,time,time_ms,value,min,max,count\r\n' +
        '"Lab ""7"", temp",tele/lab-07/SENSOR,AM2301.Temperature,2026-01-10T00:00:00.000Z,1768003200000,21.5,,,\r\n' +
        'Hum,h,,2026-01-10T00:01:00.000Z,1768003260000,40,39,41,3\r\n',
    );
  });
});

describe('a chart’s series buffer', () => {
  it('keeps live values the recorder thinned out of its raw history when a range is reloaded', () => {
    const b = new SeriesBuffer('k');
    b.append([1000, 1300, 1600, 2100], [1, 2, 3, 4]);
    // the recorder kept one raw value per second: 1000 and 2100
    b.setHistory(history([500, 1000, 2100], [0, 1, 4]), 0);
    expect(b.points.map((p) => p.y)).toEqual([0, 1, 2, 3, 4]);
  });

  it('follows bucketed history with only the live values after its last bucket', () => {
    const b = new SeriesBuffer('k');
    b.append([59_000, 61_000], [5, 6]);
    b.setHistory(history([0], [4], { tier: '1m', bucketMs: 60_000, min: [1], max: [9], count: [10] }), 0);
    expect(b.points).toEqual([{ x: 0, y: 4, min: 1, max: 9, count: 10 }, { x: 61_000, y: 6 }]);
  });

  it('inserts late values in time order and trims what slid out of the window, keeping one for the left edge', () => {
    const b = new SeriesBuffer('k');
    b.append([10, 30, 20, 40], [1, 3, 2, 4]);
    expect(b.points.map((p) => p.x)).toEqual([10, 20, 30, 40]);
    b.trimBefore(35);
    expect(b.points.map((p) => p.x)).toEqual([30, 40]);
    expect(b.between(31, 40).map((p) => p.y)).toEqual([4]);
  });

  it('merges raw lists by time, counting a value present in both once', () => {
    expect(mergeRaw([{ x: 1, y: 1 }, { x: 3, y: 3 }], [{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 3, y: 9 }]).map((p) => [p.x, p.y])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [3, 9],
    ]);
  });
});
