/**
 * All handlers, composed from one function per contract area. `Handlers` makes a missing
 * method a compile error. Adding an area: one import, one dependency, one spread.
 */

import type { Handlers } from '../../contract/index.js';
import { brokerHandlers, type BrokerHandlerDeps } from './broker.js';
import { topicsHandlers, type TopicsHandlerDeps } from './topics.js';
import { alertsHandlers, fleetHandlers, type FleetHandlerDeps } from './fleet.js';
import { chartsHandlers, type ChartsHandlerDeps } from './charts.js';
import { serialHandlers, type SerialHandlerDeps } from './serial.js';

export type HandlerDeps = BrokerHandlerDeps & TopicsHandlerDeps & FleetHandlerDeps & ChartsHandlerDeps & SerialHandlerDeps;

export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    ...brokerHandlers(deps),
    ...topicsHandlers(deps),
    ...fleetHandlers(deps),
    ...alertsHandlers(deps),
    ...chartsHandlers(deps),
    ...serialHandlers(deps),
  };
}
