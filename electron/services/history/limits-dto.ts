import type { ChartsLimitsDto } from '../../contract/charts.js';
import type { HistoryLimits } from './limits.js';

/** Dashboard bounds (ARCHITECTURE.md, charts: bounds). */
export const MAX_DASHBOARDS = 20;
export const MAX_CHARTS_PER_DASHBOARD = 12;
export const MAX_SERIES_PER_CHART = 8;

export function toLimitsDto(l: HistoryLimits): ChartsLimitsDto {
  return {
    maxDashboards: MAX_DASHBOARDS,
    maxChartsPerDashboard: MAX_CHARTS_PER_DASHBOARD,
    maxSeriesPerChart: MAX_SERIES_PER_CHART,
    maxSeries: l.maxSeries,
    rawRetentionMs: l.rawRetentionMs,
    rawMinSpacingMs: l.rawMinSpacingMs,
    minuteRetentionMs: l.minuteRetentionMs,
    quarterRetentionMs: l.quarterRetentionMs,
    maxPayloadBytes: l.maxPayloadBytes,
    liveIntervalMs: l.liveIntervalMs,
    maxLivePointsPerSeries: l.maxLivePointsPerSeries,
    maxHistoryPoints: l.maxHistoryPoints,
  };
}
