/**
 * The broker's typed events: a plain synchronous callback list per event name. Emitting with
 * no listener costs one array length check, so hot paths test `has()` before building a payload.
 * A throwing listener never reaches the broker's packet processing: the error becomes a process
 * warning and the remaining listeners still run.
 */

import type { BrokerEvents } from '../api.js';

type Listeners = { [E in keyof BrokerEvents]: BrokerEvents[E][] };

export class BrokerEventBus {
  private readonly listeners: Listeners = {
    'client.connected': [],
    'client.disconnected': [],
    'client.refused': [],
    'will.published': [],
    'message.published': [],
    'subscription.added': [],
    'subscription.removed': [],
    'message.dropped': [],
    'persistence.problem': [],
  };

  on<E extends keyof BrokerEvents>(event: E, listener: BrokerEvents[E]): () => void {
    const list = this.listeners[event];
    if (list === undefined) throw new TypeError(`unknown broker event '${String(event)}'`);
    // copy-on-write: emit() may be iterating the current array
    this.listeners[event] = [...list, listener] as Listeners[E];
    return () => {
      this.listeners[event] = this.listeners[event].filter((l) => l !== listener) as Listeners[E];
    };
  }

  has(event: keyof BrokerEvents): boolean {
    return this.listeners[event].length > 0;
  }

  emit<E extends keyof BrokerEvents>(event: E, ...args: Parameters<BrokerEvents[E]>): void {
    const list = this.listeners[event];
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as (...a: Parameters<BrokerEvents[E]>) => void)(...args);
      } catch (err) {
        process.emitWarning(`broker event '${event}' listener threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`, 'FleetwatchBrokerWarning');
      }
    }
  }
}
