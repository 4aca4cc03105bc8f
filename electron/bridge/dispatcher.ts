/**
 * The transport-neutral core of both bridges (Electron IPC and the headless host's
 * WebSocket): look a method up, validate its request, run its handler, and turn every
 * outcome into an `InvokeResult`. Events go through per-peer sessions that remember what
 * the peer subscribed to and unsubscribe everything when the peer goes away.
 */

import type { ContractError, EventName, Events, Handlers, InvokeResult, Unsubscribe } from '../contract/index.js';
import { HandlerError } from './errors.js';
import { eventNames, validators, type EventNames, type Validators } from './validators/index.js';

/** Where contract events come from (the app's typed emitter). */
export interface EventSource {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe;
}

export type Deliver = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface BridgeSession {
  /** null on success, an error for an unknown event name */
  subscribe(event: unknown): ContractError | null;
  unsubscribe(event: unknown): void;
  /** drop every subscription; idempotent */
  close(): void;
}

export interface Dispatcher {
  invoke(method: unknown, request: unknown): Promise<InvokeResult<unknown>>;
  openSession(deliver: Deliver): BridgeSession;
}

export interface DispatcherOptions {
  handlers: Handlers;
  events: EventSource;
  /** where unexpected handler failures are reported */
  log?: (message: string) => void;
  /** for tests that exercise a partial map; production uses the full maps */
  validators?: Validators;
  eventNames?: EventNames;
}

function hasOwn<T extends object>(obj: T, key: unknown): key is keyof T {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(obj, key);
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { handlers, events } = options;
  const validatorMap = options.validators ?? validators;
  const knownEvents = options.eventNames ?? eventNames;
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));

  async function invoke(method: unknown, request: unknown): Promise<InvokeResult<unknown>> {
    if (!hasOwn(validatorMap, method) || !hasOwn(handlers, method)) {
      return { ok: false, error: { code: 'unknown-method', message: `unknown method: ${String(method).slice(0, 100)}` } };
    }
    const checked = validatorMap[method](request);
    if (!checked.ok) return { ok: false, error: { code: 'bad-request', message: `${method}: ${checked.message}` } };
    try {
      // The validator for `method` produced exactly RequestOf<method>; TypeScript cannot
      // correlate the two indexed accesses, hence the single widening here.
      const handler = handlers[method] as (req: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(checked.value) };
    } catch (err) {
      if (err instanceof HandlerError) return { ok: false, error: err.toContractError() };
      log(`fleetwatch: handler ${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { ok: false, error: { code: 'internal', message: `${method} failed; see the application log` } };
    }
  }

  function openSession(deliver: Deliver): BridgeSession {
    const subscriptions = new Map<EventName, Unsubscribe>();
    let closed = false;
    return {
      subscribe(event) {
        if (!hasOwn(knownEvents, event)) {
          return { code: 'bad-request', message: `unknown event: ${String(event).slice(0, 100)}` };
        }
        if (closed || subscriptions.has(event)) return null;
        subscriptions.set(event, events.on(event, (payload) => deliver(event, payload)));
        return null;
      },
      unsubscribe(event) {
        if (!hasOwn(knownEvents, event)) return;
        subscriptions.get(event)?.();
        subscriptions.delete(event);
      },
      close() {
        closed = true;
        for (const off of subscriptions.values()) off();
        subscriptions.clear();
      },
    };
  }

  return { invoke, openSession };
}
