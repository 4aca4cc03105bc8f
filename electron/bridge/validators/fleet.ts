import type { AlertsEvents, AlertsRequests, FleetEvents, FleetRequests } from '../../contract/index.js';
import type { AreaEventNames, AreaValidators } from './index.js';
import { emptyRequest, invalid, optionalFields, optionalInteger, valid, type Validation } from './guards.js';
import { parseAlertSettings, parsePresenceSettings, MAX_ID_CHARS } from '../../services/presence/settings-parse.js';

/** ids acknowledged in one request at most */
export const MAX_ACK_IDS = 5_000;

function id(v: unknown, key: string): Validation<string> {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_CHARS ? valid(v) : invalid(`${key} must be a string of 1–${MAX_ID_CHARS} characters`);
}

export const fleetValidators: AreaValidators<FleetRequests> = {
  'fleet.snapshot': emptyRequest,
  'fleet.device': (input) => {
    const f = optionalFields(input, ['id']);
    if (!f.ok) return f;
    const d = id(f.value['id'], 'id');
    return d.ok ? valid({ id: d.value }) : d;
  },
  'fleet.outagesCsv': (input) => {
    const f = optionalFields(input, ['id']);
    if (!f.ok) return f;
    if (f.value['id'] === undefined) return valid({});
    const d = id(f.value['id'], 'id');
    return d.ok ? valid({ id: d.value }) : d;
  },
  'fleet.settings': emptyRequest,
  'fleet.setSettings': (input) => {
    const parsed = parsePresenceSettings(input);
    return typeof parsed === 'string' ? invalid(parsed) : valid(parsed);
  },
};

export const alertsValidators: AreaValidators<AlertsRequests> = {
  'alerts.list': (input) => {
    const f = optionalFields(input, ['limit', 'unacknowledgedOnly']);
    if (!f.ok) return f;
    const limit = optionalInteger(f.value, 'limit', 1, 1_000);
    if (!limit.ok) return limit;
    const u = f.value['unacknowledgedOnly'];
    if (u !== undefined && typeof u !== 'boolean') return invalid('unacknowledgedOnly must be true or false');
    return valid({ ...(limit.value === undefined ? {} : { limit: limit.value }), ...(u === undefined ? {} : { unacknowledgedOnly: u }) });
  },
  'alerts.acknowledge': (input) => {
    const f = optionalFields(input, ['ids']);
    if (!f.ok) return f;
    const ids = f.value['ids'];
    if (ids === undefined) return valid({});
    if (!Array.isArray(ids) || ids.length > MAX_ACK_IDS) return invalid(`ids must be a list of at most ${MAX_ACK_IDS} alert ids`);
    const out: string[] = [];
    for (const x of ids) {
      const v = id(x, 'ids[]');
      if (!v.ok) return v;
      out.push(v.value);
    }
    return valid({ ids: out });
  },
  'alerts.settings': emptyRequest,
  'alerts.setSettings': (input) => {
    const parsed = parseAlertSettings(input);
    return typeof parsed === 'string' ? invalid(parsed) : valid(parsed);
  },
};

export const fleetEventNames: AreaEventNames<FleetEvents> = { 'fleet.delta': true };
export const alertsEventNames: AreaEventNames<AlertsEvents> = { 'alerts.raised': true, 'alerts.acknowledged': true };
