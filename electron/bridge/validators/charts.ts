import type { ChartsEvents, ChartsRequests, DashboardInputDto, SeriesRefDto, WindowPreset } from '../../contract/index.js';
import { DEFAULT_HISTORY_LIMITS } from '../../services/history/limits.js';
import { MAX_CHARTS_PER_DASHBOARD, MAX_SERIES_PER_CHART } from '../../services/history/limits-dto.js';
import type { AreaEventNames, AreaValidators } from './index.js';
import { emptyRequest, fields, idRequest, invalid, text, valid, type Validation } from './guards.js';
import { checkTopicName } from './topics.js';

export const MAX_NAME_CHARS = 100;
export const MAX_PATH_SEGMENTS = 16;
export const MAX_SEGMENT_CHARS = 200;
const MAX_ID_CHARS = 100;
/** a key is JSON of a topic name (≤ 65,535 bytes) and its path */
const MAX_KEY_CHARS = 70_000;
const WINDOWS: readonly WindowPreset[] = ['15m', '1h', '6h', '24h', '7d'];

function optionalText(v: unknown, key: string, min: number, max: number): Validation<string | undefined> {
  return v === undefined ? valid(undefined) : text(v, key, min, max);
}

function path(v: unknown): Validation<string[]> {
  if (!Array.isArray(v)) return invalid('path must be a list of strings');
  if (v.length > MAX_PATH_SEGMENTS) return invalid(`path may have at most ${MAX_PATH_SEGMENTS} segments`);
  for (const s of v) {
    if (typeof s !== 'string' || s.length > MAX_SEGMENT_CHARS) return invalid(`path segments must be strings of at most ${MAX_SEGMENT_CHARS} characters`);
  }
  return valid([...(v as string[])]);
}

function seriesRef(input: Record<string, unknown>): Validation<SeriesRefDto> {
  const t = checkTopicName(input['topicName']);
  if (!t.ok) return t;
  const p = path(input['path']);
  return p.ok ? valid({ topicName: t.value, path: p.value }) : p;
}

function dashboardInput(input: unknown): Validation<DashboardInputDto> {
  const f = fields(input, ['id', 'name', 'window', 'charts']);
  if (!f.ok) return f;
  const id = optionalText(f.value['id'], 'id', 1, MAX_ID_CHARS);
  if (!id.ok) return id;
  const name = text(f.value['name'], 'name', 1, MAX_NAME_CHARS);
  if (!name.ok) return name;
  const window = f.value['window'];
  if (!WINDOWS.includes(window as WindowPreset)) return invalid(`window must be one of ${WINDOWS.join(', ')}`);
  const list = f.value['charts'];
  if (!Array.isArray(list) || list.length > MAX_CHARTS_PER_DASHBOARD) return invalid(`charts must be a list of at most ${MAX_CHARTS_PER_DASHBOARD}`);
  const charts: DashboardInputDto['charts'] = [];
  for (const c of list) {
    const cf = fields(c, ['id', 'title', 'series']);
    if (!cf.ok) return invalid(`chart: ${cf.message}`);
    const cid = optionalText(cf.value['id'], 'chart id', 1, MAX_ID_CHARS);
    if (!cid.ok) return cid;
    const title = text(cf.value['title'], 'chart title', 0, MAX_NAME_CHARS);
    if (!title.ok) return title;
    const sl = cf.value['series'];
    if (!Array.isArray(sl) || sl.length > MAX_SERIES_PER_CHART) return invalid(`series must be a list of at most ${MAX_SERIES_PER_CHART}`);
    const series: DashboardInputDto['charts'][number]['series'] = [];
    for (const s of sl) {
      const sf = fields(s, ['topicName', 'path', 'label']);
      if (!sf.ok) return invalid(`series: ${sf.message}`);
      const ref = seriesRef(sf.value);
      if (!ref.ok) return ref;
      const label = optionalText(sf.value['label'], 'label', 0, MAX_NAME_CHARS);
      if (!label.ok) return label;
      series.push(label.value === undefined ? ref.value : { ...ref.value, label: label.value });
    }
    charts.push(cid.value === undefined ? { title: title.value, series } : { id: cid.value, title: title.value, series });
  }
  const base: DashboardInputDto = { name: name.value, window: window as WindowPreset, charts };
  return valid(id.value === undefined ? base : { ...base, id: id.value });
}

function finite(v: unknown, key: string): Validation<number> {
  return typeof v === 'number' && Number.isFinite(v) ? valid(v) : invalid(`${key} must be a finite number`);
}

export const chartsValidators: AreaValidators<ChartsRequests> = {
  'charts.dashboards': emptyRequest,
  'charts.saveDashboard': dashboardInput,
  'charts.deleteDashboard': idRequest('id', MAX_ID_CHARS),
  'charts.addSeries': (input) => {
    const f = fields(input, ['topicName', 'path', 'dashboardId', 'chartId', 'label']);
    if (!f.ok) return f;
    const ref = seriesRef(f.value);
    if (!ref.ok) return ref;
    const dashboardId = optionalText(f.value['dashboardId'], 'dashboardId', 1, MAX_ID_CHARS);
    if (!dashboardId.ok) return dashboardId;
    const chartId = optionalText(f.value['chartId'], 'chartId', 1, MAX_ID_CHARS);
    if (!chartId.ok) return chartId;
    const label = optionalText(f.value['label'], 'label', 0, MAX_NAME_CHARS);
    if (!label.ok) return label;
    return valid({
      ...ref.value,
      ...(dashboardId.value === undefined ? {} : { dashboardId: dashboardId.value }),
      ...(chartId.value === undefined ? {} : { chartId: chartId.value }),
      ...(label.value === undefined ? {} : { label: label.value }),
    });
  },
  'charts.history': (input) => {
    const f = fields(input, ['keys', 'from', 'to', 'maxPoints']);
    if (!f.ok) return f;
    const keys = f.value['keys'];
    if (!Array.isArray(keys) || keys.length > DEFAULT_HISTORY_LIMITS.maxHistoryKeys) return invalid(`keys must be a list of at most ${DEFAULT_HISTORY_LIMITS.maxHistoryKeys}`);
    for (const k of keys) if (typeof k !== 'string' || k.length === 0 || k.length > MAX_KEY_CHARS) return invalid('keys must be non-empty strings');
    const from = finite(f.value['from'], 'from');
    if (!from.ok) return from;
    const to = finite(f.value['to'], 'to');
    if (!to.ok) return to;
    if (to.value <= from.value) return invalid('to must be after from');
    const maxPoints = f.value['maxPoints'];
    if (typeof maxPoints !== 'number' || !Number.isInteger(maxPoints) || maxPoints < 2 || maxPoints > DEFAULT_HISTORY_LIMITS.maxHistoryPoints) {
      return invalid(`maxPoints must be an integer from 2 to ${DEFAULT_HISTORY_LIMITS.maxHistoryPoints}`);
    }
    return valid({ keys: [...(keys as string[])], from: from.value, to: to.value, maxPoints });
  },
  'charts.status': emptyRequest,
};

export const chartsEventNames: AreaEventNames<ChartsEvents> = {
  'charts.live': true,
};
