import type { BrokerEvents, BrokerRequests } from '../../contract/index.js';
import type { AreaEventNames, AreaValidators } from './index.js';
import { emptyRequest, optionalFields, optionalInteger, valid } from './guards.js';

/** Largest client list one request may ask for. */
export const MAX_CLIENTS_LIMIT = 5000;

export const brokerValidators: AreaValidators<BrokerRequests> = {
  'broker.status': emptyRequest,
  'broker.stats': emptyRequest,
  'broker.clients': (input) => {
    const f = optionalFields(input, ['limit']);
    if (!f.ok) return f;
    const limit = optionalInteger(f.value, 'limit', 1, MAX_CLIENTS_LIMIT);
    if (!limit.ok) return limit;
    return valid(limit.value === undefined ? {} : { limit: limit.value });
  },
};

export const brokerEventNames: AreaEventNames<BrokerEvents> = {
  'broker.status': true,
  'broker.stats': true,
};
