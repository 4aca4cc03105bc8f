/** Maps broker-core's values to the contract's DTOs (field by field: nothing extra leaks out). */

import type { BrokerStats, ClientInfo } from '../../broker-core/index.js';
import type { BrokerStatsDto, ClientDto } from '../contract/index.js';

export function toStatsDto(s: BrokerStats): BrokerStatsDto {
  return {
    startedAt: s.startedAt,
    uptimeSeconds: s.uptimeSeconds,
    clientsConnected: s.clientsConnected,
    clientsMaximum: s.clientsMaximum,
    clientsTotal: s.clientsTotal,
    messagesReceived: s.messagesReceived,
    messagesSent: s.messagesSent,
    publishReceived: s.publishReceived,
    publishSent: s.publishSent,
    publishDropped: s.publishDropped,
    bytesReceived: s.bytesReceived,
    bytesSent: s.bytesSent,
    retainedCount: s.retainedCount,
    subscriptionsCount: s.subscriptionsCount,
    inflightCount: s.inflightCount,
    queuedCount: s.queuedCount,
  };
}

export function toClientDto(c: ClientInfo): ClientDto {
  return {
    clientId: c.clientId,
    address: c.address,
    transport: c.transport,
    protocol: c.protocol,
    keepalive: c.keepalive,
    cleanSession: c.cleanSession,
    username: c.username ?? null,
    connectedAt: c.connectedAt,
  };
}

/** Stats that differ only in uptime are "unchanged" for the purpose of pushing them. */
export function sameCounters(a: BrokerStatsDto, b: BrokerStatsDto): boolean {
  for (const key of Object.keys(a) as (keyof BrokerStatsDto)[]) {
    if (key !== 'uptimeSeconds' && a[key] !== b[key]) return false;
  }
  return true;
}
