import type { AlertsRequests, AreaHandlers, FleetRequests } from '../../contract/index.js';
import { HandlerError } from '../../bridge/errors.js';
import { SettingsRejected, type AttachedFleet } from '../../services/presence/attach.js';
import { available, refusalsAsBadRequest } from './expected-errors.js';

export interface FleetHandlerDeps {
  /** null when the broker could not be created */
  fleet: AttachedFleet | null;
}

function need(fleet: AttachedFleet | null): AttachedFleet {
  return available(fleet, 'the broker is not running, so there is no fleet to watch');
}

function settings<T>(apply: () => Promise<T>): Promise<T> {
  return refusalsAsBadRequest([SettingsRejected], apply);
}

export function fleetHandlers(deps: FleetHandlerDeps): AreaHandlers<FleetRequests> {
  return {
    'fleet.snapshot': async () => need(deps.fleet).presence.snapshot(),
    'fleet.device': async ({ id }) => {
      const f = need(deps.fleet);
      const detail = f.presence.device(id, (d) => f.alerts.outagesOf(d));
      if (!detail) throw new HandlerError('not-found', `no device ${id}`);
      return detail;
    },
    'fleet.outagesCsv': async ({ id }) => need(deps.fleet).alerts.csv(id),
    'fleet.settings': async () => need(deps.fleet).presence.settings(),
    'fleet.setSettings': (s) => settings(() => need(deps.fleet).setPresenceSettings(s)),
  };
}

export function alertsHandlers(deps: FleetHandlerDeps): AreaHandlers<AlertsRequests> {
  return {
    'alerts.list': async (opts) => {
      const f = need(deps.fleet);
      const list = f.alerts.list(opts);
      return { ...list, problems: [...new Set([...f.problems, ...list.problems])] };
    },
    'alerts.acknowledge': async ({ ids }) => ({ acknowledged: await need(deps.fleet).alerts.acknowledge(ids) }),
    'alerts.settings': async () => need(deps.fleet).alerts.settings(),
    'alerts.setSettings': (s) => settings(() => need(deps.fleet).setAlertSettings(s)),
  };
}
