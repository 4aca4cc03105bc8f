/**
 * One chart.js chart and what feeds it, outside Svelte's reactivity (a chart redraws up to 60
 * times a second; the component only shows a summary a few times a second).
 *
 * - History comes from `charts.history` for the visible range, at most about one value per
 *   pixel of width; live values are appended as they arrive.
 * - Redraws are batched to the display: any number of live batches between two animation
 *   frames cost one `update('none')` (animations are off).
 * - Decimation (LTTB) keeps every dataset at most as many drawn points as the chart has pixels.
 * - While following live, the x axis slides with the clock; a zoom or pan stops following and
 *   reloads the zoomed range at its finer resolution; `backToLive` resumes.
 */

import type { Chart, ChartDataset, TooltipItem } from 'chart.js';
import type { ChartDto, ChartsLiveDto, HistoryDto, PeriodDto, RestartMarkerDto, WindowPreset } from '../../../electron/contract/index.js';
import type { FleetwatchClient } from '../../../electron/contract/index.js';
import { SeriesBuffer, type ChartPoint } from './series-buffer.js';
import { PALETTE, registerCharts } from './setup.js';
import { shadingPlugin, type ShadedPeriod } from './shading-plugin.js';
import { fullTime, tickLabel, timeTicks, WINDOW_MS } from './time-axis.js';
import { errorText } from '../lib/errors.js';

export interface VisibleSeries {
  key: string;
  label: string;
  topicName: string;
  path: string[];
  points: ChartPoint[];
  publisherId: string | null;
  periods: PeriodDto[];
}

/** What the panel shows under the chart. */
export interface ChartSummary {
  /** values held in the visible range, over all series */
  values: number;
  /** points chart.js drew (after decimation), over all series */
  drawn: number;
  /** the most points one line drew: never more than `width` */
  drawnMax: number;
  /** the chart's width in CSS pixels */
  width: number;
  following: boolean;
  /** ms from asking for the history to the first frame that showed it */
  loadMs: number | null;
  /** e.g. "raw" or "1-min buckets" */
  resolution: string;
  shed: number;
  loading: boolean;
  error: string | null;
  latest: Array<{ label: string; value: number | null; at: number | null }>;
}

export interface ThemeColors {
  text: string;
  muted: string;
  grid: string;
  background: string;
}

/** How long after the last zoom/pan step the finer history is asked for. */
const ZOOM_RELOAD_MS = 250;
/** Summary updates at most this often. */
const SUMMARY_MS = 250;

function resolutionOf(b: SeriesBuffer): string {
  if (b.bucketMs === 0) return 'raw values';
  const min = b.bucketMs / 60_000;
  return min >= 1 ? `${Number.isInteger(min) ? min : min.toFixed(1)}-min buckets` : `${Math.round(b.bucketMs / 1000)}-s buckets`;
}

export class ChartController {
  readonly chart: Chart<'line', ChartPoint[]>;
  readonly buffers = new Map<string, SeriesBuffer>();
  #def: ChartDto;
  #window: WindowPreset;
  #following = true;
  #restarts: RestartMarkerDto[] = [];
  #frame = 0;
  #loadSeq = 0;
  #loading = false;
  #loadMs: number | null = null;
  #error: string | null = null;
  #zoomTimer: ReturnType<typeof setTimeout> | null = null;
  #slideTimer: ReturnType<typeof setInterval> | null = null;
  #summaryAt = 0;
  #summaryTimer: ReturnType<typeof setTimeout> | null = null;
  #tickStep = 60_000;
  #destroyed = false;
  /** resetZoom reports itself as a completed zoom; that one is not the user's */
  #resetting = false;
  /** the main process's count of live values it left out; -1 before the first batch */
  #liveShedSeen = -1;

  constructor(
    canvas: HTMLCanvasElement,
    def: ChartDto,
    window: WindowPreset,
    private readonly client: FleetwatchClient,
    private readonly colors: ThemeColors,
    private readonly onSummary: (s: ChartSummary) => void,
  ) {
    this.#def = def;
    this.#window = window;
    const ChartJs = registerCharts();
    const now = Date.now();
    this.chart = new ChartJs(canvas, {
      type: 'line',
      data: { datasets: [] },
      plugins: [shadingPlugin],
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        elements: { point: { radius: 0, hitRadius: 6, hoverRadius: 3 }, line: { borderWidth: 1.5, tension: 0 } },
        scales: {
          x: {
            type: 'linear',
            min: now - WINDOW_MS[window],
            max: now,
            afterBuildTicks: (scale) => {
              const maxTicks = Math.max(2, Math.floor(scale.width / 90));
              const { step, ticks } = timeTicks(scale.min, scale.max, maxTicks);
              this.#tickStep = step;
              scale.ticks = ticks.map((value) => ({ value }));
            },
            ticks: { callback: (v) => tickLabel(Number(v), this.#tickStep), maxRotation: 0, autoSkip: false, color: colors.muted },
            grid: { color: colors.grid },
          },
          y: { type: 'linear', grace: '5%', ticks: { color: colors.muted }, grid: { color: colors.grid } },
        },
        plugins: {
          legend: { labels: { boxWidth: 12, color: colors.text } },
          // Threshold 1: decimation runs at every update, and LTTB keeps at most one point per
          // pixel of the chart's width (`samples` defaults to it; fewer values pass unchanged).
          decimation: { enabled: true, algorithm: 'lttb', threshold: 1 },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? fullTime(items[0].parsed.x ?? 0) : ''),
              label: (item: TooltipItem<'line'>) => {
                const p = item.raw as ChartPoint;
                const base = `${item.dataset.label ?? ''}: ${p.y.toPrecision(6).replace(/\.?0+$/, '')}`;
                return p.count === undefined ? base : `${base} (mean of ${p.count}; min ${p.min}, max ${p.max})`;
              },
            },
          },
          zoom: {
            pan: { enabled: true, mode: 'x', onPanStart: () => this.#leaveLive(), onPanComplete: () => this.#zoomed() },
            zoom: { wheel: { enabled: true }, pinch: { enabled: true }, mode: 'x', onZoomStart: () => this.#leaveLive(), onZoomComplete: () => this.#zoomed() },
          },
          fwShading: { background: colors.background, colors: { ...shadingPlugin.defaults!.colors!, text: colors.muted, restart: colors.muted } },
        },
      },
    });
    this.#setSeries(def);
    this.#startSliding();
    void this.load();
  }

  /** The axis slides with the clock even when no value arrives: about a pixel at a time, at most once a second. */
  #startSliding(): void {
    if (this.#slideTimer) clearInterval(this.#slideTimer);
    this.#slideTimer = setInterval(() => {
      if (this.#following) this.schedule();
    }, Math.max(1000, WINDOW_MS[this.#window] / 2000));
  }

  get following(): boolean {
    return this.#following;
  }

  get def(): ChartDto {
    return this.#def;
  }

  #setSeries(def: ChartDto): void {
    const old = this.buffers;
    const next = new Map<string, SeriesBuffer>();
    for (const s of def.series) next.set(s.key, old.get(s.key) ?? new SeriesBuffer(s.key));
    old.clear();
    for (const [k, v] of next) old.set(k, v);
    this.chart.data.datasets = def.series.map(
      (s, i): ChartDataset<'line', ChartPoint[]> => ({
        label: s.label,
        data: (next.get(s.key) as SeriesBuffer).points,
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        indexAxis: 'x',
      }),
    );
  }

  /** The chart's definition changed (series added/removed, renamed). */
  setDef(def: ChartDto): void {
    const before = this.#def.series.map((s) => s.key).join('\n');
    this.#def = def;
    this.#setSeries(def);
    if (def.series.map((s) => s.key).join('\n') !== before) void this.load();
    else this.schedule();
  }

  setWindow(window: WindowPreset): void {
    if (window === this.#window && this.#following) return;
    this.#window = window;
    this.#startSliding();
    this.backToLive();
  }

  backToLive(): void {
    this.#following = true;
    this.#resetting = true;
    try {
      this.chart.resetZoom('none');
    } finally {
      this.#resetting = false;
    }
    this.#setRange(Date.now());
    void this.load();
  }

  #leaveLive(): boolean {
    this.#following = false;
    this.#summary(true);
    return true;
  }

  #zoomed(): void {
    if (this.#resetting) return;
    this.#following = false;
    this.#reloadSoon();
  }

  #reloadSoon(): void {
    if (this.#zoomTimer) clearTimeout(this.#zoomTimer);
    this.#zoomTimer = setTimeout(() => void this.load(), ZOOM_RELOAD_MS);
  }

  /** Button zoom: around the right edge while the view reaches the present (the newest values stay in view), else around the middle. */
  zoomBy(factor: number): void {
    const { right, top, bottom } = this.chart.chartArea;
    const { min, max } = this.range();
    const atPresent = this.#following || max >= Date.now() - 0.05 * (max - min);
    const focalPoint = atPresent ? { x: right, y: (top + bottom) / 2 } : undefined;
    this.#leaveLive();
    this.chart.zoom(focalPoint ? { x: factor, focalPoint } : { x: factor }, 'none');
    this.#zoomed();
  }

  #setRange(now: number): void {
    const x = this.chart.options.scales?.['x'];
    if (!x) return;
    x.min = now - WINDOW_MS[this.#window];
    x.max = now;
  }

  /** The visible range. */
  range(): { min: number; max: number } {
    const x = this.chart.scales['x'];
    if (x) return { min: x.min, max: x.max };
    const now = Date.now();
    return { min: now - WINDOW_MS[this.#window], max: now };
  }

  /** Loads the history of the visible range (the live window, or the zoomed range). */
  async load(): Promise<void> {
    const seq = ++this.#loadSeq;
    const started = performance.now();
    const keys = this.#def.series.map((s) => s.key);
    let from: number;
    let to: number;
    if (this.#following) {
      to = Date.now();
      from = to - WINDOW_MS[this.#window];
      this.#setRange(to);
    } else {
      ({ min: from, max: to } = this.range());
    }
    if (keys.length === 0) {
      this.schedule();
      return;
    }
    this.#loading = true;
    this.#summary(true);
    let res: HistoryDto;
    try {
      const width = Math.max(100, Math.round(this.chart.width || 800));
      res = await this.client.invoke('charts.history', { keys, from, to: Math.max(to, from + 1), maxPoints: width });
    } catch (err) {
      if (seq !== this.#loadSeq) return;
      this.#loading = false;
      this.#error = errorText(err);
      this.#summary(true);
      return;
    }
    if (seq !== this.#loadSeq || this.#destroyed) return;
    for (const s of res.series) this.buffers.get(s.key)?.setHistory(s, from);
    this.#restarts = res.restarts;
    this.#loading = false;
    this.#error = null;
    this.#draw();
    // The first frame that shows the answer: that is when the user sees it.
    requestAnimationFrame(() => {
      if (seq !== this.#loadSeq) return;
      this.#loadMs = performance.now() - started;
      performance.measure(`charts:load:${this.#def.id}`, { start: started, end: started + this.#loadMs });
      this.#summary(true);
    });
  }

  onLive(live: ChartsLiveDto): void {
    // The main process left values out of a batch (over its bound): the history has them.
    if (this.#liveShedSeen >= 0 && live.liveShed > this.#liveShedSeen && this.#following) this.#reloadSoon();
    this.#liveShedSeen = live.liveShed;
    let touched = false;
    for (const p of live.points) {
      const b = this.buffers.get(p.key);
      if (!b) continue;
      b.append(p.t, p.v);
      b.publisherId = p.publisherId;
      touched = true;
    }
    for (const lp of live.periods) {
      for (const b of this.buffers.values()) {
        if (b.publisherId === lp.clientId) {
          b.upsertPeriod(lp.period);
          touched = true;
        }
      }
    }
    if (touched) this.schedule();
  }

  /** Redraw on the next animation frame; more calls before it cost nothing. */
  schedule(): void {
    if (this.#frame !== 0 || this.#destroyed) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#draw();
    });
  }

  #draw(): void {
    if (this.#destroyed) return;
    const now = Date.now();
    if (this.#following) {
      this.#setRange(now);
      const min = now - WINDOW_MS[this.#window];
      for (const b of this.buffers.values()) b.trimBefore(min);
    }
    // Series of one device share its periods: shade each once.
    const periods: ShadedPeriod[] = [];
    const seen = new Set<string>();
    for (const b of this.buffers.values()) {
      for (const p of b.periods) {
        const id = `${b.publisherId ?? ''}\u0000${p.start}`;
        if (!seen.has(id)) {
          seen.add(id);
          periods.push(p);
        }
      }
    }
    const shading = this.chart.options.plugins?.fwShading;
    if (shading) {
      shading.periods = periods;
      shading.restarts = this.#restarts;
    }
    this.chart.data.datasets.forEach((ds, i) => {
      const key = this.#def.series[i]?.key;
      const b = key === undefined ? undefined : this.buffers.get(key);
      // The setter keeps decimation's own copy in step (it replaces `data` with a getter).
      if (b) ds.data = b.points;
    });
    this.chart.update('none');
    this.#summary(false);
  }

  #summary(now: boolean): void {
    const due = this.#summaryAt + SUMMARY_MS - performance.now();
    if (!now && due > 0) {
      this.#summaryTimer ??= setTimeout(() => {
        this.#summaryTimer = null;
        this.#summary(true);
      }, due);
      return;
    }
    this.#summaryAt = performance.now();
    const { min, max } = this.range();
    let values = 0;
    let shed = 0;
    for (const b of this.buffers.values()) {
      values += b.between(min, max).length;
      shed += b.shed;
    }
    let drawn = 0;
    let drawnMax = 0;
    this.chart.data.datasets.forEach((_, i) => {
      const n = this.chart.getDatasetMeta(i).data.length;
      drawn += n;
      drawnMax = Math.max(drawnMax, n);
    });
    const first = this.buffers.values().next().value;
    this.onSummary({
      values,
      drawn,
      drawnMax,
      width: Math.floor(this.chart.width),
      following: this.#following,
      loadMs: this.#loadMs,
      resolution: first ? resolutionOf(first) : 'raw values',
      shed,
      loading: this.#loading,
      error: this.#error,
      latest: this.#def.series.map((s) => {
        const last = this.buffers.get(s.key)?.points.at(-1);
        return { label: s.label, value: last?.y ?? null, at: last?.x ?? null };
      }),
    });
  }

  /** What the visible range holds, per series (CSV export, data table). */
  visibleSeries(): VisibleSeries[] {
    const { min, max } = this.range();
    return this.#def.series.map((s) => {
      const b = this.buffers.get(s.key);
      return {
        key: s.key,
        label: s.label,
        topicName: s.topicName,
        path: s.path,
        points: b?.between(min, max) ?? [],
        publisherId: b?.publisherId ?? null,
        periods: (b?.periods ?? []).filter((p) => p.start <= max && (p.end === null || p.end >= min)),
      };
    });
  }

  /** Broker restarts in the visible range. */
  visibleRestarts(): RestartMarkerDto[] {
    const { min, max } = this.range();
    return this.#restarts.filter((r) => r.at >= min && r.at <= max);
  }

  png(): string {
    return this.chart.toBase64Image('image/png', 1);
  }

  destroy(): void {
    this.#destroyed = true;
    if (this.#frame) cancelAnimationFrame(this.#frame);
    if (this.#zoomTimer) clearTimeout(this.#zoomTimer);
    if (this.#summaryTimer) clearTimeout(this.#summaryTimer);
    if (this.#slideTimer) clearInterval(this.#slideTimer);
    this.chart.destroy();
  }
}
