/**
 * Contract area `charts`: telemetry charts and their recorded history (issue 7).
 *
 * A *series* is one numeric value over time: a topic's whole payload read as a number
 * (`path: []`), or one numeric field inside its JSON payload (`path: ['AM2301', 'Temperature']`;
 * array elements by their index as a string). Its `key` is `JSON.stringify([topicName, ...path])`
 * and is what history answers and live batches are keyed by.
 *
 * Only *charted* series are recorded: those on at least one saved chart. History is kept in tiers
 * (live values in `ChartsLimitsDto`; defaults):
 * - raw points for 24 h, at most one per second per series (faster values still count in the buckets)
 * - 1-minute buckets (min, max, mean, count) for 7 days
 * - 15-minute buckets for 90 days
 * Older data is removed. Periods when a series' publishing client was offline or asleep, and
 * broker restarts, come with the history so the chart can shade its gaps.
 */

export type WindowPreset = '15m' | '1h' | '6h' | '24h' | '7d';

/** Where a value comes from. */
export interface SeriesRefDto {
  topicName: string;
  /** JSON path into the payload; [] = the whole payload is the number */
  path: string[];
}

export interface ChartSeriesDto extends SeriesRefDto {
  /** `JSON.stringify([topicName, ...path])` */
  key: string;
  label: string;
}

export interface ChartDto {
  id: string;
  title: string;
  series: ChartSeriesDto[];
}

export interface DashboardDto {
  id: string;
  name: string;
  window: WindowPreset;
  charts: ChartDto[];
  /** ms since epoch of the last save */
  savedAt: number;
}

export interface ChartsLimitsDto {
  maxDashboards: number;
  maxChartsPerDashboard: number;
  maxSeriesPerChart: number;
  /** distinct series recorded at once (over all dashboards) */
  maxSeries: number;
  rawRetentionMs: number;
  /** raw points closer together than this are not kept raw (they still count in the buckets) */
  rawMinSpacingMs: number;
  minuteRetentionMs: number;
  quarterRetentionMs: number;
  /** payloads larger than this are not parsed for values (counted in `tooLarge`) */
  maxPayloadBytes: number;
  /** period of `charts.live` batches */
  liveIntervalMs: number;
  /** most points one series may hold in one `charts.live` batch (more are counted in `liveShed`) */
  maxLivePointsPerSeries: number;
  /** most points per series one `charts.history` answer may ask for */
  maxHistoryPoints: number;
}

export interface DashboardsDto {
  dashboards: DashboardDto[];
  /** why saved dashboards could not be read as they were (the file was kept aside), else null */
  problem: string | null;
  limits: ChartsLimitsDto;
}

export interface SavedDashboardDto {
  saved: DashboardDto;
  dashboards: DashboardsDto;
}

/** What a save sends: ids are kept when given and made up when not; keys and labels are derived. */
export interface DashboardInputDto {
  id?: string;
  name: string;
  window: WindowPreset;
  charts: Array<{ id?: string; title: string; series: Array<SeriesRefDto & { label?: string }> }>;
}

export type HistoryTier = 'raw' | '1m' | '15m';

/** Why the chart has no values for a while. */
export type PeriodKind = 'offline' | 'sleeping';

export interface PeriodDto {
  kind: PeriodKind;
  start: number;
  /** null while it lasts */
  end: number | null;
  /** e.g. the broker's disconnect reason ('connection-lost', 'keepalive-timeout', 'clean') */
  reason: string | null;
}

export interface SeriesHistoryDto {
  key: string;
  tier: HistoryTier;
  /** 0 for raw points; else the width of each bucket in ms (wider than the tier's when merged to fit maxPoints) */
  bucketMs: number;
  /** ms since epoch: the point's time, or the bucket's start */
  t: number[];
  /** the value, or the bucket's mean */
  v: number[];
  /** per bucket (empty for raw points) */
  min: number[];
  max: number[];
  count: number[];
  /** the client that published this series last, null when never seen */
  publisherId: string | null;
  /** that client's offline/sleeping periods overlapping the range, oldest first */
  periods: PeriodDto[];
}

export interface RestartMarkerDto {
  /** when the broker (re)started with this history */
  at: number;
  /** the last moment the previous run was known to be recording, null when unknown */
  downSince: number | null;
}

export interface HistoryDto {
  from: number;
  to: number;
  series: SeriesHistoryDto[];
  restarts: RestartMarkerDto[];
}

export interface LivePointsDto {
  key: string;
  t: number[];
  v: number[];
  publisherId: string;
}

export interface LivePeriodDto {
  clientId: string;
  period: PeriodDto;
}

/** New values of charted series since the last batch. */
export interface ChartsLiveDto {
  at: number;
  points: LivePointsDto[];
  /** periods that began or ended since the last batch (the same period again when it ends) */
  periods: LivePeriodDto[];
  /** live points left out since start because a batch was over its bound (history still has them) */
  liveShed: number;
}

export interface ChartsCountersDto {
  /** values recorded (all tiers) */
  recorded: number;
  /** values that were too close to the previous raw point to be kept raw (they are in the buckets) */
  thinned: number;
  /** messages on charted topics whose payload (or field) was not a number */
  notNumeric: number;
  /** messages on charted topics too large to parse */
  tooLarge: number;
  /** values dropped because the write queue of a series was full (the disk could not keep up) */
  writeShed: number;
  writeErrors: number;
  liveShed: number;
  /** offline/sleeping periods dropped by the per-client bound */
  periodsShed: number;
}

export interface ChartsStatusDto {
  /** series recorded now */
  recording: number;
  /** series with stored history (recorded now or earlier) */
  stored: number;
  /** bytes of history files on disk */
  storedBytes: number;
  counters: ChartsCountersDto;
  /** damaged history files found (moved aside as `*.bad-<time>`), most recent last; at most 20 */
  problems: string[];
  limits: ChartsLimitsDto;
}

export interface ChartsRequests {
  'charts.dashboards': { request: Record<string, never>; response: DashboardsDto };
  /** insert (no id) or replace (id) a dashboard; its series are recorded from now on */
  'charts.saveDashboard': { request: DashboardInputDto; response: SavedDashboardDto };
  'charts.deleteDashboard': { request: { id: string }; response: DashboardsDto };
  /**
   * Adds a value to a chart (the topic explorer's "Add to chart"): to `chartId` on
   * `dashboardId`, to a new chart when `chartId` is absent, to the first dashboard (created
   * when there is none) when `dashboardId` is absent.
   */
  'charts.addSeries': {
    request: SeriesRefDto & { dashboardId?: string; chartId?: string; label?: string };
    response: SavedDashboardDto;
  };
  /** recorded values of the given series keys between from and to, at most maxPoints each */
  'charts.history': {
    request: { keys: string[]; from: number; to: number; maxPoints: number };
    response: HistoryDto;
  };
  'charts.status': { request: Record<string, never>; response: ChartsStatusDto };
}

export interface ChartsEvents {
  /** every liveIntervalMs while charted series receive values or periods change */
  'charts.live': ChartsLiveDto;
}
