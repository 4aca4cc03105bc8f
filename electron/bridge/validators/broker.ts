import type { BrokerEvents, BrokerRequests } from '../../contract/index.js';
import type { AreaEventNames, AreaValidators } from './index.js';
import { emptyRequest, invalid, isPlainObject, optionalInteger, unknownKeys, valid } from './guards.js';

/** Largest client list one request may ask for. */
export const MAX_CLIENTS_LIMIT = 5000;

export const brokerValidators: AreaValidators<BrokerRequests> = {
  'broker.status': emptyRequest,
  'broker.stats': emptyRequest,
  'broker.clients': (input) => {
    if (input === undefined) return valid({});
    if (!isPlainObject(input)) return invalid('request must be an object');
    const extra = unknownKeys(input, ['limit']);
    if (extra.length > 0) return invalid(`unexpected field(s): ${extra.join(', ')}`);
    const limit = optionalInteger(input, 'limit', 1, MAX_CLIENTS_LIMIT);
    if (!limit.ok) return limit;
    return valid(limit.value === undefined ? {} : { limit: limit.value });
  },
};

export const brokerEventNames: AreaEventNames<BrokerEvents> = {
  'broker.status': true,
  'broker.stats': true,
};
