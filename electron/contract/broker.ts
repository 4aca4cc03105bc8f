/**
 * Contract area `broker`: the state of our own MQTT broker as the UI sees it.
 * DTOs are plain JSON-safe data (they cross IPC and a WebSocket); they mirror broker-core's
 * public types but are declared here because the contract imports nothing.
 */

/** Where the broker is in its life cycle. `failed` carries the reason (e.g. port in use). */
export type BrokerState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface ListenerDto {
  transport: 'tcp' | 'ws';
  /** the address the listener is bound to ("0.0.0.0" = all interfaces) */
  host: string;
  port: number;
}

export interface BrokerStatusDto {
  state: BrokerState;
  /** bound listeners; empty unless running */
  listeners: ListenerDto[];
  /** ms since epoch when the broker started listening, null before */
  startedAt: number | null;
  /** human-readable reason when state is `failed` */
  error: string | null;
  /** where the app keeps its data (persistence files, settings) */
  dataDir: string;
}

/** Counters since start; same meaning as broker-core's BrokerStats. */
export interface BrokerStatsDto {
  startedAt: number;
  uptimeSeconds: number;
  clientsConnected: number;
  clientsMaximum: number;
  clientsTotal: number;
  messagesReceived: number;
  messagesSent: number;
  publishReceived: number;
  publishSent: number;
  publishDropped: number;
  bytesReceived: number;
  bytesSent: number;
  retainedCount: number;
  subscriptionsCount: number;
  inflightCount: number;
  queuedCount: number;
}

export interface ClientDto {
  clientId: string;
  /** "ip:port", or "inline" for the app's own in-process client */
  address: string;
  transport: 'tcp' | 'ws' | 'inline';
  /** "MQTT 3.1.1" or "MQTT 3.1" */
  protocol: string;
  keepalive: number;
  cleanSession: boolean;
  username: string | null;
  /** ms since epoch */
  connectedAt: number;
}

export interface BrokerClientsDto {
  clients: ClientDto[];
  /** how many connected clients exist in total; `clients` is capped at the request's limit */
  total: number;
}

/** Methods of the `broker` area: method name → { request, response }. */
export interface BrokerRequests {
  'broker.status': { request: Record<string, never>; response: BrokerStatusDto };
  'broker.stats': { request: Record<string, never>; response: BrokerStatsDto };
  /** connected clients ordered by connectedAt (oldest first), at most `limit` (default 500, max 5000) */
  'broker.clients': { request: { limit?: number }; response: BrokerClientsDto };
}

/** Events of the `broker` area: event name → payload. */
export interface BrokerEvents {
  /** pushed on every life-cycle change */
  'broker.status': BrokerStatusDto;
  /** pushed at most once per second while counters change, and on client connect/disconnect */
  'broker.stats': BrokerStatsDto;
}
