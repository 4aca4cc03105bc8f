import type { AreaHandlers, BrokerRequests, BrokerStatusDto } from '../../contract/index.js';
import type { BrokerPort } from '../broker-port.js';
import { toClientDto, toStatsDto } from '../broker-dto.js';

/** Default number of clients returned when the request gives no limit. */
export const DEFAULT_CLIENTS_LIMIT = 500;

export interface BrokerHandlerDeps {
  /** null when the broker could not be created at all */
  broker: BrokerPort | null;
  status(): BrokerStatusDto;
}

const zeroStats = {
  startedAt: 0,
  uptimeSeconds: 0,
  clientsConnected: 0,
  clientsMaximum: 0,
  clientsTotal: 0,
  messagesReceived: 0,
  messagesSent: 0,
  publishReceived: 0,
  publishSent: 0,
  publishDropped: 0,
  bytesReceived: 0,
  bytesSent: 0,
  retainedCount: 0,
  subscriptionsCount: 0,
  inflightCount: 0,
  queuedCount: 0,
};

export function brokerHandlers(deps: BrokerHandlerDeps): AreaHandlers<BrokerRequests> {
  return {
    'broker.status': async () => deps.status(),
    'broker.stats': async () => (deps.broker ? toStatsDto(deps.broker.stats()) : { ...zeroStats }),
    'broker.clients': async ({ limit }) => {
      const all = deps.broker ? deps.broker.clients() : [];
      const sorted = [...all].sort((a, b) => a.connectedAt - b.connectedAt);
      return { clients: sorted.slice(0, limit ?? DEFAULT_CLIENTS_LIMIT).map(toClientDto), total: all.length };
    },
  };
}
