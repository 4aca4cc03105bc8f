/**
 * The app's typed emitter of contract events. Services emit; the bridges (IPC and
 * WebSocket) subscribe per peer. Delivery is synchronous and in emit order; a throwing
 * listener is logged and does not stop delivery to the others.
 */

import type { EventName, Events, Unsubscribe } from '../contract/index.js';
import type { EventSource } from '../bridge/dispatcher.js';

type Listener<E extends EventName> = (payload: Events[E]) => void;

export class ContractEmitter implements EventSource {
  readonly #listeners = new Map<EventName, Set<Listener<EventName>>>();
  readonly #log: (message: string) => void;

  constructor(log: (message: string) => void = (m) => process.stderr.write(`${m}\n`)) {
    this.#log = log;
  }

  on<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    // A listener for E is stored among listeners keyed by E only, so the widening is safe.
    const stored = listener as Listener<EventName>;
    set.add(stored);
    return () => {
      set.delete(stored);
    };
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (err) {
        this.#log(`fleetwatch: listener for ${event} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
