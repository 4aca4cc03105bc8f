/**
 * The composition root's view of the broker: exactly the surface broker-core's
 * `createBroker(options)` returns. Everything in electron/ codes against this port, so the
 * app can be tested with the real broker and nothing else needs to know how it is built.
 */

import type { BrokerEvents, BrokerOptions, BrokerStats, ClientInfo, InlineClient, RetainedRecord } from '../../broker-core/index.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface ListenOptions {
  tcp: Endpoint;
  ws?: Endpoint;
}

export interface BoundListeners {
  tcp: Endpoint;
  ws?: Endpoint;
}

export interface BrokerPort {
  listen(options: ListenOptions): Promise<BoundListeners>;
  close(): Promise<void>;
  stats(): BrokerStats;
  clients(): ClientInfo[];
  on<E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): unknown;
  off<E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): unknown;
  readonly inline: InlineClient;
  /** retained messages (all, or those matching a topic filter), with publisher and store time */
  retained(topicFilter?: string): RetainedRecord[];
  /** deletes one retained message (no delivery to subscribers) */
  clearRetained(topicName: string): Promise<void>;
}

export type CreateBroker = (options: BrokerOptions) => BrokerPort;

/**
 * broker-core's factory. Looked up at run time while broker-core is being written, so the
 * rest of the app builds either way; a missing factory is reported as a failed broker.
 */
export async function loadCreateBroker(): Promise<CreateBroker> {
  const mod: Record<string, unknown> = await import('../../broker-core/index.js');
  const factory = mod['createBroker'];
  if (typeof factory !== 'function') {
    throw new Error('broker-core does not export createBroker yet');
  }
  return factory as CreateBroker;
}
