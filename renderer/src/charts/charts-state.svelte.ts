/**
 * The Charts view's state: saved dashboards (the main process owns them; every change is a
 * save there), which one is shown, and the one `charts.live` subscription that panels listen
 * to. A reconnect reloads the dashboards and bumps `epoch`, so panels reload their history.
 */

import type { ChartsLimitsDto, ChartsLiveDto, DashboardDto, DashboardInputDto, WindowPreset } from '../../../electron/contract/index.js';
import type { Transport } from '../lib/transport.js';
import { errorText } from '../lib/errors.js';

const ACTIVE_KEY = 'fleetwatch.charts.dashboard';

type ChartInput = DashboardInputDto['charts'][number];

export function toInput(d: DashboardDto): DashboardInputDto {
  return {
    id: d.id,
    name: d.name,
    window: d.window,
    charts: d.charts.map((c) => ({ id: c.id, title: c.title, series: c.series.map((s) => ({ topicName: s.topicName, path: s.path, label: s.label })) })),
  };
}

export class ChartsState {
  dashboards = $state<DashboardDto[]>([]);
  limits = $state<ChartsLimitsDto | null>(null);
  problem = $state<string | null>(null);
  error = $state<string | null>(null);
  loaded = $state(false);
  activeId = $state<string | null>(localStorage.getItem(ACTIVE_KEY));
  /** bumps after a reconnect: panels reload their history */
  epoch = $state(0);

  readonly active: DashboardDto | null = $derived(this.dashboards.find((d) => d.id === this.activeId) ?? this.dashboards[0] ?? null);

  readonly #transport: Transport;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners, not state the view renders
  readonly #live = new Set<(live: ChartsLiveDto) => void>();
  #wasOpen = false;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  get client(): Transport['client'] {
    return this.#transport.client;
  }

  start(): () => void {
    const offs = [
      this.#transport.client.subscribe('charts.live', (live) => {
        for (const l of this.#live) l(live);
      }),
      this.#transport.watch((s) => {
        if (s.state === 'open') {
          if (this.#wasOpen) this.epoch++;
          this.#wasOpen = true;
          void this.reload();
        }
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  onLive(listener: (live: ChartsLiveDto) => void): () => void {
    this.#live.add(listener);
    return () => this.#live.delete(listener);
  }

  async reload(): Promise<void> {
    try {
      const res = await this.client.invoke('charts.dashboards', {});
      this.dashboards = res.dashboards;
      this.limits = res.limits;
      this.problem = res.problem;
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.loaded = true;
    }
  }

  select(id: string): void {
    this.activeId = id;
    localStorage.setItem(ACTIVE_KEY, id);
  }

  async #save(input: DashboardInputDto): Promise<DashboardDto | null> {
    try {
      const res = await this.client.invoke('charts.saveDashboard', input);
      this.dashboards = res.dashboards.dashboards;
      this.error = null;
      return res.saved;
    } catch (err) {
      this.error = errorText(err);
      return null;
    }
  }

  /** Applies `change` to a copy of the shown dashboard and saves it. */
  async #change(change: (d: DashboardInputDto) => void): Promise<void> {
    const d = this.active;
    if (!d) return;
    const input = toInput(d);
    change(input);
    await this.#save(input);
  }

  async newDashboard(name: string): Promise<void> {
    const saved = await this.#save({ name, window: '1h', charts: [] });
    if (saved) this.select(saved.id);
  }

  async deleteDashboard(id: string): Promise<void> {
    try {
      const res = await this.client.invoke('charts.deleteDashboard', { id });
      this.dashboards = res.dashboards;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  rename(name: string): Promise<void> {
    return this.#change((d) => (d.name = name));
  }

  setWindow(window: WindowPreset): Promise<void> {
    return this.#change((d) => (d.window = window));
  }

  addChart(title: string): Promise<void> {
    return this.#change((d) => d.charts.push({ title, series: [] }));
  }

  #chart(d: DashboardInputDto, chartId: string): ChartInput | undefined {
    return d.charts.find((c) => c.id === chartId);
  }

  removeChart(chartId: string): Promise<void> {
    return this.#change((d) => (d.charts = d.charts.filter((c) => c.id !== chartId)));
  }

  renameChart(chartId: string, title: string): Promise<void> {
    return this.#change((d) => {
      const c = this.#chart(d, chartId);
      if (c) c.title = title;
    });
  }

  removeSeries(chartId: string, key: string): Promise<void> {
    return this.#change((d) => {
      const c = this.#chart(d, chartId);
      if (c) c.series = c.series.filter((s) => JSON.stringify([s.topicName, ...s.path]) !== key);
    });
  }
}
