/**
 * The charts feature for the composition root: the history recorder on the broker, the saved
 * dashboards telling it what to record, and (when the fleet services run) presence refining
 * offline periods into sleep. Problems with saved files are logged and notified, never fatal.
 */

import { join } from 'node:path';
import type { ChartsLiveDto } from '../../contract/charts.js';
import { attachHistory, type AttachedHistory, type HistoryBrokerSource } from '../history/attach.js';
import type { HistoryService } from '../history/history-service.js';
import type { HistoryLimits } from '../history/limits.js';
import { toLimitsDto } from '../history/limits-dto.js';
import { presenceSourceOf } from '../history/presence-feed.js';
import { DashboardsService } from './dashboards-service.js';

export interface ChartsOutputs {
  live(live: ChartsLiveDto): void;
  notify(n: { title: string; body: string }): void;
  log(line: string): void;
}

export interface AttachedCharts {
  history: HistoryService;
  dashboards: DashboardsService;
  close(): Promise<void>;
}

export async function attachCharts(
  broker: HistoryBrokerSource,
  dataDir: string,
  out: ChartsOutputs,
  options: { presence?: Parameters<typeof presenceSourceOf>[0] | null; limits?: Partial<HistoryLimits> } = {},
): Promise<AttachedCharts> {
  const report = (message: string): void => {
    out.log(`fleetwatch: ${message}`);
    out.notify({ title: 'Fleetwatch: problem with saved chart history', body: message });
  };
  const history: AttachedHistory = await attachHistory(broker, (l) => out.live(l), {
    dir: join(dataDir, 'history'),
    onProblem: report,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  try {
    const dashboards = await DashboardsService.open(dataDir, toLimitsDto(history.service.limits));
    if (dashboards.problem) report(dashboards.problem);
    await dashboards.useRecorder((refs) => history.service.setCharted(refs));
    if (options.presence) history.followPresence(presenceSourceOf(options.presence));
    return {
      history: history.service,
      dashboards,
      async close() {
        await history.close();
        await dashboards.close();
      },
    };
  } catch (err) {
    await history.close().catch(() => undefined);
    throw err;
  }
}
