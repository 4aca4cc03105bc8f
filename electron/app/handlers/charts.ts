import type { AreaHandlers, ChartsRequests } from '../../contract/index.js';
import type { AttachedCharts } from '../../services/dashboards/attach-charts.js';
import { DashboardRuleError } from '../../services/dashboards/dashboards-service.js';
import { TooManySeriesError } from '../../services/history/history-service.js';
import { available, refusalsAsBadRequest } from './expected-errors.js';

export interface ChartsHandlerDeps {
  /** null when the broker could not be started or the chart history could not be opened (logged) */
  charts: AttachedCharts | null;
}

function need(charts: AttachedCharts | null): AttachedCharts {
  return available(charts, 'charts are unavailable: the broker is not running or the chart history could not be opened (see the log)');
}

/** Rule violations are the user's to fix. */
function rules<T>(work: () => Promise<T>): Promise<T> {
  return refusalsAsBadRequest([DashboardRuleError, TooManySeriesError], work);
}

export function chartsHandlers(deps: ChartsHandlerDeps): AreaHandlers<ChartsRequests> {
  return {
    'charts.dashboards': async () => need(deps.charts).dashboards.list(),
    'charts.saveDashboard': (input) => rules(() => need(deps.charts).dashboards.save(input)),
    'charts.deleteDashboard': ({ id }) => rules(() => need(deps.charts).dashboards.delete(id)),
    'charts.addSeries': (req) => rules(() => need(deps.charts).dashboards.addSeries(req)),
    'charts.history': ({ keys, from, to, maxPoints }) => need(deps.charts).history.history(keys, from, to, maxPoints),
    'charts.status': () => need(deps.charts).history.status(),
  };
}
