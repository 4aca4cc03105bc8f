/**
 * The composition root's view of the broker: broker-core's public `Broker`, created by its
 * `createBroker(options)`. Kept as a named port so tests and services share one name for it.
 */

import { createBroker, type Broker, type BrokerOptions } from '../../broker-core/index.js';

export type BrokerPort = Broker;

export type CreateBroker = (options: BrokerOptions) => BrokerPort;

export const createRealBroker: CreateBroker = createBroker;
