/**
 * Saved dashboards (`<dataDir>/dashboards.db`, nedb, one small document per dashboard): the
 * charts, their series and the window preset. Every change tells the recorder which series are
 * charted now (history-service `setCharted`), before it is saved: a save the recorder refuses
 * (too many series) is not saved either.
 */

import { randomUUID } from 'node:crypto';
import type { ChartsLimitsDto, DashboardDto, DashboardInputDto, DashboardsDto, SavedDashboardDto, SeriesRefDto } from '../../contract/charts.js';
import { NedbCollection } from '../../persistence/nedb-collection.js';
import { MAX_DASHBOARDS } from '../history/limits-dto.js';
import { DashboardRuleError, defaultLabel, isDashboardDoc, toDoc, toDto, type DashboardDoc } from './dashboard-doc.js';

export const DASHBOARDS_FILE = 'dashboards.db';

export type SetCharted = (refs: SeriesRefDto[]) => Promise<void>;

export interface AddSeriesRequest extends SeriesRefDto {
  dashboardId?: string;
  chartId?: string;
  label?: string;
}

export class DashboardsService {
  #docs: DashboardDoc[];
  #setCharted: SetCharted = async () => undefined;
  /** one change at a time, in call order */
  #chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: NedbCollection<DashboardDoc>,
    docs: DashboardDoc[],
    readonly problem: string | null,
    private readonly limits: ChartsLimitsDto,
    private readonly now: () => number,
  ) {
    this.#docs = docs.sort((a, b) => a.savedAt - b.savedAt);
  }

  static async open(dataDir: string, limits: ChartsLimitsDto, now: () => number = Date.now): Promise<DashboardsService> {
    const { collection, docs, problems } = await NedbCollection.open(dataDir, DASHBOARDS_FILE, isDashboardDoc);
    const problem = problems.length === 0 ? null : `saved dashboards: ${problems.map((p) => p.message).join('; ')}`;
    return new DashboardsService(collection, docs, problem, limits, now);
  }

  /** Who records the charted series; called at once with the saved ones. */
  async useRecorder(setCharted: SetCharted): Promise<void> {
    this.#setCharted = setCharted;
    await setCharted(this.seriesRefs());
  }

  list(): DashboardsDto {
    return { dashboards: this.#docs.map(toDto), problem: this.problem, limits: this.limits };
  }

  /** Every distinct series on any dashboard. */
  seriesRefs(docs: readonly DashboardDoc[] = this.#docs): SeriesRefDto[] {
    const byKey = new Map<string, SeriesRefDto>();
    for (const d of docs) for (const c of d.charts) for (const s of c.series) byKey.set(s.key, { topicName: s.topicName, path: s.path });
    return [...byKey.values()];
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(work);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Replaces or adds `doc`: recorder first (it may refuse), then the file, then memory. */
  async #put(doc: DashboardDoc): Promise<SavedDashboardDto> {
    const index = this.#docs.findIndex((d) => d._id === doc._id);
    if (index < 0 && this.#docs.length >= MAX_DASHBOARDS) throw new DashboardRuleError(`at most ${MAX_DASHBOARDS} dashboards can be saved`);
    const next = index < 0 ? [...this.#docs, doc] : this.#docs.map((d, i) => (i === index ? doc : d));
    await this.#setCharted(this.seriesRefs(next));
    try {
      if (index < 0) await this.store.insert(doc);
      else await this.store.replace(doc);
    } catch (err) {
      await this.#setCharted(this.seriesRefs()).catch(() => undefined);
      throw err;
    }
    this.#docs = next;
    return { saved: toDto(doc), dashboards: this.list() };
  }

  save(input: DashboardInputDto): Promise<SavedDashboardDto> {
    return this.#serial(() => this.#put(toDoc(input, this.now())));
  }

  delete(id: string): Promise<DashboardsDto> {
    return this.#serial(async () => {
      const next = this.#docs.filter((d) => d._id !== id);
      if (next.length === this.#docs.length) return this.list();
      await this.#setCharted(this.seriesRefs(next));
      await this.store.remove([id]);
      this.#docs = next;
      return this.list();
    });
  }

  /** The topic explorer's "Add to chart". */
  addSeries(req: AddSeriesRequest): Promise<SavedDashboardDto> {
    return this.#serial(async () => {
      const target = req.dashboardId === undefined ? this.#docs[0] : this.#docs.find((d) => d._id === req.dashboardId);
      if (req.dashboardId !== undefined && !target) throw new DashboardRuleError(`no dashboard ${req.dashboardId}`);
      const base: DashboardDto = target ? toDto(target) : { id: '', name: 'Dashboard', window: '1h', charts: [], savedAt: 0 };
      const series = { topicName: req.topicName, path: req.path, label: req.label ?? defaultLabel(req.topicName, req.path) };
      const charts = base.charts.map((c) => ({ id: c.id, title: c.title, series: c.series.map((s) => ({ topicName: s.topicName, path: s.path, label: s.label })) }));
      if (req.chartId === undefined) {
        charts.push({ id: randomUUID(), title: series.label, series: [series] });
      } else {
        const chart = charts.find((c) => c.id === req.chartId);
        if (!chart) throw new DashboardRuleError(`no chart ${req.chartId} on that dashboard`);
        chart.series.push(series);
      }
      const input: DashboardInputDto = { name: base.name, window: base.window, charts };
      if (target) input.id = target._id;
      return this.#put(toDoc(input, this.now()));
    });
  }

  async close(): Promise<void> {
    await this.#chain;
    await this.store.close();
  }
}

export { DashboardRuleError, defaultLabel };
