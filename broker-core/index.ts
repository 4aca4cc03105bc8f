/** broker-core public entry: everything the main process may use. */
export type * from './codec/packets.js';
export type * from './api.js';
export type * from './persistence/persistence.js';
export { createMemoryPersistence, createMemoryStore } from './persistence/memory.js';
export type { MemoryStore, MemoryPersistenceOptions } from './persistence/memory.js';
export * as persistenceRecords from './persistence/records.js';
export { createBroker, BROKER_VERSION } from './broker/broker.js';
export { DEFAULT_LIMITS } from './broker/limits.js';
