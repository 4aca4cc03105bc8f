// @ts-check
/** The brokers the bench knows, in the default rotation order. */
import { startFleetwatch } from './fleetwatch.js';
import { startMosquitto } from './mosquitto.js';
import { startAedes } from './aedes.js';

/** @typedef {import('./spawn-broker.js').BrokerHandle} BrokerHandle */

/** @type {Record<string, (o: { workDir: string }) => Promise<BrokerHandle>>} */
export const BROKERS = {
  fleetwatch: startFleetwatch,
  mosquitto: startMosquitto,
  aedes: startAedes,
};

export const BROKER_NAMES = Object.keys(BROKERS);
