import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeriesRefDto } from '../../../electron/contract/charts.js';
import { DashboardsService } from '../../../electron/services/dashboards/dashboards-service.js';
import { DEFAULT_HISTORY_LIMITS } from '../../../electron/services/history/limits.js';
import { toLimitsDto } from '../../../electron/services/history/limits-dto.js';
import { chartsValidators } from '../../../electron/bridge/validators/charts.js';
import { TEMP, TEMP_KEY, tempDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const limits = toLimitsDto(DEFAULT_HISTORY_LIMITS);

async function open(dir: string, charted: SeriesRefDto[][] = [], refuse = false): Promise<DashboardsService> {
  const d = await DashboardsService.open(dir, limits, () => 1_000);
  cleanups.push(() => d.close());
  await d.useRecorder(async (refs) => {
    if (refuse && refs.length > 0) throw new Error('refused by the recorder');
    charted.push(refs);
  });
  return d;
}

async function folder(): Promise<string> {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  return dir;
}

describe('saved dashboards', () => {
  it('adds a field to a new chart on a new dashboard, with a derived key and label, and records it', async () => {
    const dir = await folder();
    const charted: SeriesRefDto[][] = [];
    const d = await open(dir, charted);
    const { saved } = await d.addSeries(TEMP);
    expect(saved).toMatchObject({ name: 'Dashboard', window: '1h', savedAt: 1_000 });
    expect(saved.charts).toHaveLength(1);
    expect(saved.charts[0]!.series).toEqual([{ key: TEMP_KEY, topicName: 'tele/lab-07/SENSOR', path: ['AM2301', 'Temperature'], label: 'tele/lab-07/SENSOR › AM2301.Temperature' }]);
    expect(charted.at(-1)).toEqual([TEMP]);

    const chartId = saved.charts[0]!.id;
    const again = await d.addSeries({ topicName: 'tele/lab-07/SENSOR', path: ['AM2301', 'Humidity'], dashboardId: saved.id, chartId, label: 'Humidity' });
    expect(again.saved.charts[0]!.series.map((s) => s.label)).toEqual(['tele/lab-07/SENSOR › AM2301.Temperature', 'Humidity']);
    expect(charted.at(-1)).toHaveLength(2);
  });

  it('saves dashboards across a reopen and tells the recorder at once what to record', async () => {
    const dir = await folder();
    const d = await open(dir);
    const { saved } = await d.save({ name: 'Lab', window: '24h', charts: [{ title: 'Climate', series: [TEMP, { topicName: 'esphome/lab/temp/state', path: [] }] }] });
    await d.close();
    const charted: SeriesRefDto[][] = [];
    const reopened = await open(dir, charted);
    expect(reopened.list().dashboards).toEqual([saved]);
    expect(reopened.list().problem).toBeNull();
    expect(charted[0]).toEqual([TEMP, { topicName: 'esphome/lab/temp/state', path: [] }]);
  });

  it('does not save a dashboard the recorder refuses (too many series)', async () => {
    const dir = await folder();
    const d = await open(dir, [], true);
    await expect(d.save({ name: 'Lab', window: '1h', charts: [{ title: 'x', series: [TEMP] }] })).rejects.toThrow(/refused/);
    expect(d.list().dashboards).toEqual([]);
  });

  it('enforces the bounds on dashboards, charts and series', async () => {
    const dir = await folder();
    const d = await open(dir);
    const series = Array.from({ length: limits.maxSeriesPerChart + 1 }, (_, i) => ({ topicName: `lab/${i}`, path: [] }));
    await expect(d.save({ name: 'x', window: '1h', charts: [{ title: 't', series }] })).rejects.toThrow(/at most 8 series/);
    const charts = Array.from({ length: limits.maxChartsPerDashboard + 1 }, () => ({ title: 't', series: [] }));
    await expect(d.save({ name: 'x', window: '1h', charts })).rejects.toThrow(/at most 12 charts/);
    for (let i = 0; i < limits.maxDashboards; i++) await d.save({ name: `d${i}`, window: '1h', charts: [] });
    await expect(d.save({ name: 'one too many', window: '1h', charts: [] })).rejects.toThrow(/at most 20 dashboards/);
  });

  it('deletes a dashboard and stops recording what only it charted', async () => {
    const dir = await folder();
    const charted: SeriesRefDto[][] = [];
    const d = await open(dir, charted);
    const a = await d.save({ name: 'A', window: '1h', charts: [{ title: 't', series: [TEMP] }] });
    await d.save({ name: 'B', window: '1h', charts: [{ title: 't', series: [{ topicName: 'lab/x', path: [] }] }] });
    await d.delete(a.saved.id);
    expect(d.list().dashboards.map((x) => x.name)).toEqual(['B']);
    expect(charted.at(-1)).toEqual([{ topicName: 'lab/x', path: [] }]);
  });

  it('salvages a damaged dashboards file, keeps the original aside and says so', async () => {
    const dir = await folder();
    const d = await open(dir);
    await d.save({ name: 'Lab', window: '6h', charts: [{ title: 't', series: [TEMP] }] });
    await d.close();
    await appendFile(join(dir, 'dashboards.db'), 'not json at all\n');
    const reopened = await open(dir);
    expect(reopened.list().dashboards.map((x) => x.name)).toEqual(['Lab']);
    expect(reopened.list().problem).toMatch(/dashboards\.db: 1 of 2 lines unreadable; 1 records recovered, the original file is kept as .*dashboards\.db\.bad-/);
    expect((await readdir(dir)).some((n) => n.startsWith('dashboards.db.bad-'))).toBe(true);
  });
});

describe('charts request validation', () => {
  it('accepts a well-formed dashboard and rejects unknown fields, bad windows and wildcard topics', () => {
    const ok = chartsValidators['charts.saveDashboard']({ name: 'Lab', window: '7d', charts: [{ title: 't', series: [{ topicName: 'a/b', path: ['x', '0'] }] }] });
    expect(ok.ok).toBe(true);
    expect(chartsValidators['charts.saveDashboard']({ name: 'Lab', window: '2d', charts: [] })).toMatchObject({ ok: false, message: expect.stringMatching(/window must be one of/) });
    expect(chartsValidators['charts.saveDashboard']({ name: 'Lab', window: '1h', charts: [], extra: 1 })).toMatchObject({ ok: false });
    expect(chartsValidators['charts.addSeries']({ topicName: 'a/+', path: [] })).toMatchObject({ ok: false, message: expect.stringMatching(/wildcards/) });
    expect(chartsValidators['charts.addSeries']({ topicName: 'a', path: [1] })).toMatchObject({ ok: false });
  });

  it('bounds history requests: keys, a forward range, and maxPoints', () => {
    const h = chartsValidators['charts.history'];
    expect(h({ keys: [TEMP_KEY], from: 1, to: 2, maxPoints: 800 })).toEqual({ ok: true, value: { keys: [TEMP_KEY], from: 1, to: 2, maxPoints: 800 } });
    expect(h({ keys: [TEMP_KEY], from: 2, to: 1, maxPoints: 800 })).toMatchObject({ ok: false });
    expect(h({ keys: [TEMP_KEY], from: 1, to: 2, maxPoints: 1e9 })).toMatchObject({ ok: false });
    expect(h({ keys: Array.from({ length: 101 }, () => 'k'), from: 1, to: 2, maxPoints: 8 })).toMatchObject({ ok: false });
    expect(h({ keys: [TEMP_KEY], from: Number.NaN, to: 2, maxPoints: 8 })).toMatchObject({ ok: false });
  });
});
