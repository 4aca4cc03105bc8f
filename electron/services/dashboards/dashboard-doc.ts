/**
 * A saved dashboard as stored in `<dataDir>/dashboards.db` (nedb, one document per dashboard)
 * and the rules that turn a save request into one: ids made up where missing, series keys and
 * default labels derived, bounds enforced.
 */

import { randomUUID } from 'node:crypto';
import type { ChartDto, DashboardDto, DashboardInputDto, WindowPreset } from '../../contract/charts.js';
import { seriesKey } from '../history/catalog.js';
import { MAX_CHARTS_PER_DASHBOARD, MAX_SERIES_PER_CHART } from '../history/limits-dto.js';

export interface DashboardDoc {
  _id: string;
  name: string;
  window: WindowPreset;
  charts: ChartDto[];
  savedAt: number;
}

export const WINDOW_PRESETS: readonly WindowPreset[] = ['15m', '1h', '6h', '24h', '7d'];

export class DashboardRuleError extends Error {}

export function defaultLabel(topicName: string, path: readonly string[]): string {
  return path.length === 0 ? topicName : `${topicName} › ${path.join('.')}`;
}

export function toDoc(input: DashboardInputDto, now: number): DashboardDoc {
  if (input.charts.length > MAX_CHARTS_PER_DASHBOARD) throw new DashboardRuleError(`a dashboard holds at most ${MAX_CHARTS_PER_DASHBOARD} charts`);
  const chartIds = new Set<string>();
  const charts = input.charts.map((c): ChartDto => {
    if (c.series.length > MAX_SERIES_PER_CHART) throw new DashboardRuleError(`a chart holds at most ${MAX_SERIES_PER_CHART} series`);
    const id = c.id ?? randomUUID();
    if (chartIds.has(id)) throw new DashboardRuleError(`chart id ${id} is used twice`);
    chartIds.add(id);
    const keys = new Set<string>();
    const series = c.series.flatMap((s) => {
      const key = seriesKey(s.topicName, s.path);
      if (keys.has(key)) return [];
      keys.add(key);
      return [{ key, topicName: s.topicName, path: [...s.path], label: s.label?.trim() || defaultLabel(s.topicName, s.path) }];
    });
    return { id, title: c.title, series };
  });
  return { _id: input.id ?? randomUUID(), name: input.name, window: input.window, charts, savedAt: now };
}

export function toDto(doc: DashboardDoc): DashboardDto {
  return {
    id: doc._id,
    name: doc.name,
    window: doc.window,
    charts: doc.charts.map((c) => ({ id: c.id, title: c.title, series: c.series.map((s) => ({ ...s, path: [...s.path] })) })),
    savedAt: doc.savedAt,
  };
}

const isStr = (v: unknown): v is string => typeof v === 'string';

function isChart(c: unknown): c is ChartDto {
  if (typeof c !== 'object' || c === null) return false;
  const r = c as Record<string, unknown>;
  return (
    isStr(r['id']) &&
    isStr(r['title']) &&
    Array.isArray(r['series']) &&
    r['series'].every((s: unknown) => {
      if (typeof s !== 'object' || s === null) return false;
      const x = s as Record<string, unknown>;
      return isStr(x['topicName']) && Array.isArray(x['path']) && x['path'].every(isStr) && isStr(x['label']) && x['key'] === seriesKey(x['topicName'], x['path'] as string[]);
    })
  );
}

export function isDashboardDoc(doc: unknown): doc is DashboardDoc {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Record<string, unknown>;
  return (
    isStr(d['_id']) &&
    isStr(d['name']) &&
    WINDOW_PRESETS.includes(d['window'] as WindowPreset) &&
    typeof d['savedAt'] === 'number' &&
    Array.isArray(d['charts']) &&
    d['charts'].every(isChart)
  );
}
