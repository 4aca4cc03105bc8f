/**
 * Every bound of the history recorder in one place (ARCHITECTURE.md, history: bounds).
 *
 * Worst-case disk per series: raw 86,400 points/day × 16 B ≈ 1.4 MB per day file (at most two
 * day files exist: today and yesterday) + 1-minute buckets 1,440 × 40 B ≈ 58 KB/day × 8 days
 * + 15-minute buckets 2,976 × 40 B ≈ 119 KB/month × 4 months ≈ 3.7 MB; × maxSeries (100) ≈ 370 MB.
 * A typical sensor (one value per 10 s) needs ≈ 1.2 MB for all 90 days. Memory per recorded
 * series: the pending write queue (≤ maxPendingPoints) and two open buckets; nothing is loaded
 * at start-up but the series catalog.
 */

export const MINUTE_MS = 60_000;
export const QUARTER_MS = 15 * MINUTE_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface HistoryLimits {
  /** raw points are answered for this long (day files are removed once wholly older) */
  rawRetentionMs: number;
  /** a value closer than this to the last raw point of its series is not kept raw */
  rawMinSpacingMs: number;
  minuteRetentionMs: number;
  quarterRetentionMs: number;
  /** distinct series recorded at once */
  maxSeries: number;
  /**
   * series with stored history (recorded now or earlier); beyond it the history of the
   * longest-known series no longer charted is deleted (reported)
   */
  maxCatalog: number;
  /** larger payloads are not decoded (counted in tooLarge) */
  maxPayloadBytes: number;
  /** values (raw + buckets) waiting for the disk per series; beyond it the oldest are shed and counted */
  maxPendingPoints: number;
  /** how often pending values are appended to the files */
  flushIntervalMs: number;
  /** the heartbeat ("still recording at") is written at most this often; it dates restart gaps */
  heartbeatIntervalMs: number;
  /** how often retention is applied (whole files removed) */
  pruneIntervalMs: number;
  liveIntervalMs: number;
  maxLivePointsPerSeries: number;
  maxHistoryPoints: number;
  /** periods kept per client (oldest shed first, counted) */
  maxPeriodsPerClient: number;
  /** broker restart markers kept */
  maxRestarts: number;
  /** series whose history may be asked for in one request */
  maxHistoryKeys: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = {
  rawRetentionMs: DAY_MS,
  rawMinSpacingMs: 1_000,
  minuteRetentionMs: 7 * DAY_MS,
  quarterRetentionMs: 90 * DAY_MS,
  maxSeries: 100,
  maxCatalog: 400,
  maxPayloadBytes: 64 * 1024,
  maxPendingPoints: 20_000,
  flushIntervalMs: 2_000,
  heartbeatIntervalMs: MINUTE_MS,
  pruneIntervalMs: HOUR_MS,
  liveIntervalMs: 100,
  maxLivePointsPerSeries: 1_000,
  maxHistoryPoints: 20_000,
  maxPeriodsPerClient: 500,
  maxRestarts: 500,
  maxHistoryKeys: 100,
};
