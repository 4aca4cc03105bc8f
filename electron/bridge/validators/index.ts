/**
 * Runtime validation of every request, one validator per contract method, and the runtime
 * list of event names a peer may subscribe to. The mapped types make a method without a
 * validator (or an event missing from the list) a compile error, exactly like `Handlers`
 * does for handlers. Adding an area: one import and one spread in each object below.
 */

import type { EventName, Method, RequestOf } from '../../contract/index.js';
import type { Validator } from './guards.js';
import { brokerEventNames, brokerValidators } from './broker.js';
import { topicsEventNames, topicsValidators } from './topics.js';
import { alertsEventNames, alertsValidators, fleetEventNames, fleetValidators } from './fleet.js';
import { chartsEventNames, chartsValidators } from './charts.js';
import { serialEventNames, serialValidators } from './serial.js';

export type AreaValidators<R extends { [K in keyof R]: { request: unknown; response: unknown } }> = {
  [M in keyof R]: Validator<R[M]['request']>;
};
export type AreaEventNames<E> = { [K in keyof E]: true };

export type Validators = { [M in Method]: Validator<RequestOf<M>> };
export type EventNames = { [E in EventName]: true };

export const validators: Validators = {
  ...brokerValidators,
  ...topicsValidators,
  ...fleetValidators,
  ...alertsValidators,
  ...chartsValidators,
  ...serialValidators,
};

export const eventNames: EventNames = {
  ...brokerEventNames,
  ...topicsEventNames,
  ...fleetEventNames,
  ...alertsEventNames,
  ...chartsEventNames,
  ...serialEventNames,
};
