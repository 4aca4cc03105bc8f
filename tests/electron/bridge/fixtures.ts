/** Handlers with fixed answers, for testing the bridges (the transports are what is under test). */

import type { BrokerStatsDto, BrokerStatusDto, Handlers } from '../../../electron/contract/index.js';
import { HandlerError } from '../../../electron/bridge/errors.js';

export const runningStatus: BrokerStatusDto = {
  state: 'running',
  listeners: [{ transport: 'tcp', host: '0.0.0.0', port: 1883 }],
  startedAt: 1_700_000_000_000,
  error: null,
  dataDir: '/tmp/data',
};

export const someStats: BrokerStatsDto = {
  startedAt: 1_700_000_000_000,
  uptimeSeconds: 5,
  clientsConnected: 2,
  clientsMaximum: 3,
  clientsTotal: 4,
  messagesReceived: 10,
  messagesSent: 11,
  publishReceived: 6,
  publishSent: 7,
  publishDropped: 0,
  bytesReceived: 100,
  bytesSent: 200,
  retainedCount: 1,
  subscriptionsCount: 2,
  inflightCount: 0,
  queuedCount: 0,
};

/** Handlers for the broker area only (plus overrides): enough for the transport tests. */
export function fixedHandlers(overrides: Partial<Handlers> = {}): Handlers & { calls: unknown[] } {
  const calls: unknown[] = [];
  const handlers: Partial<Handlers> & { calls: unknown[] } = {
    calls,
    'broker.status': async (req) => {
      calls.push(['broker.status', req]);
      return runningStatus;
    },
    'broker.stats': async () => someStats,
    'broker.clients': async (req) => {
      calls.push(['broker.clients', req]);
      if (req.limit === 13) throw new HandlerError('unavailable', 'the broker is not running');
      if (req.limit === 66) throw new Error('boom');
      return { clients: [], total: 0 };
    },
    ...overrides,
  };
  return handlers as Handlers & { calls: unknown[] };
}
