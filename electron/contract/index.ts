/**
 * The one typed contract between the main process and the renderer.
 *
 * - `Requests`: every method the renderer may invoke (method → { request, response }).
 * - `Events`: every event the main process pushes (event → payload).
 * - `FleetwatchClient`: what the renderer holds; two transports implement it (the Electron
 *   preload over IPC, and the headless host's WebSocket bridge). Handlers never learn which.
 * - `Handlers`: the main-process implementation; a method without a handler does not compile.
 *
 * Types only: this folder compiles to empty modules and imports nothing but its own files.
 * Each feature area lives in its own file (`<area>.ts` exporting `<Area>Requests`,
 * `<Area>Events` and its DTOs), so engineers can extend the contract without colliding.
 */

import type { BrokerEvents, BrokerRequests } from './broker.js';
import type { TopicsEvents, TopicsRequests } from './topics.js';
import type { FleetEvents, FleetRequests } from './fleet.js';
import type { AlertsEvents, AlertsRequests } from './alerts.js';
import type { ChartsEvents, ChartsRequests } from './charts.js';
import type { SerialEvents, SerialRequests } from './serial.js';

export type * from './broker.js';
export type * from './topics.js';
export type * from './fleet.js';
export type * from './alerts.js';
export type * from './charts.js';
export type * from './serial.js';

/**
 * All areas. To add one: import its two types above, re-export its file, and add one
 * `& { requests: …; events: … }` line here. Method and event names start with the area
 * (`topics.list`, `fleet.device`), so two areas never define the same name.
 */
type Areas =
  & { requests: BrokerRequests; events: BrokerEvents }
  & { requests: TopicsRequests; events: TopicsEvents }
  & { requests: FleetRequests; events: FleetEvents }
  & { requests: AlertsRequests; events: AlertsEvents }
  & { requests: ChartsRequests; events: ChartsEvents }
  & { requests: SerialRequests; events: SerialEvents };

export type Requests = Areas['requests'];
export type Events = Areas['events'];

export type Method = keyof Requests & string;
export type EventName = keyof Events & string;
export type RequestOf<M extends Method> = Requests[M]['request'];
export type ResponseOf<M extends Method> = Requests[M]['response'];
export type EventOf<E extends EventName> = Events[E];

/** Why an invocation failed. Transports add `timeout` and `disconnected`. */
export type ErrorCode =
  /** the request payload failed validation */
  | 'bad-request'
  /** no such method in this contract */
  | 'unknown-method'
  /** the thing asked for does not exist */
  | 'not-found'
  /** the service cannot answer right now (e.g. the broker is not running) */
  | 'unavailable'
  /** the caller is not a window or page the app trusts */
  | 'forbidden'
  /** a handler failed unexpectedly; details are in the main-process log */
  | 'internal'
  /** no answer within the transport's deadline */
  | 'timeout'
  /** the transport closed before the answer arrived */
  | 'disconnected';

export interface ContractError {
  code: ErrorCode;
  message: string;
}

/** What a transport carries back for an invocation; handlers' throws never cross as-is. */
export type InvokeResult<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** What `invoke` rejects with. */
export interface InvokeError extends Error {
  code: ErrorCode;
}

export type Unsubscribe = () => void;

/** The renderer's whole view of the main process. */
export interface FleetwatchClient {
  invoke<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): Unsubscribe;
}

/** Main-process implementation of one method. Requests arrive already validated. */
export type Handler<M extends Method> = (request: RequestOf<M>) => Promise<ResponseOf<M>>;

/** Every method needs a handler: leaving one out is a compile error. */
export type Handlers = { [M in Method]: Handler<M> };

/** The handlers of one area, so each area's file can be checked on its own. */
export type AreaHandlers<R extends { [K in keyof R]: { request: unknown; response: unknown } }> = {
  [M in keyof R]: (request: R[M]['request']) => Promise<R[M]['response']>;
};

/* ───────────── wire formats shared by the two transports ───────────── */

/**
 * What the Electron preload exposes as `window.fleetwatch`. Results come back as values
 * because an Error loses its `code` when it crosses contextBridge; the renderer turns this
 * into a `FleetwatchClient`.
 */
export interface PreloadApi {
  invoke(method: string, request: unknown): Promise<InvokeResult<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): Unsubscribe;
}

/** IPC channel names. The preload inlines the same strings (it may require only 'electron'). */
export interface IpcChannels {
  /** renderer → main, `ipcRenderer.invoke(channel, method, request)` → InvokeResult */
  invoke: 'fleetwatch:invoke';
  /** renderer → main, `send(channel, eventName)`: start pushing that event to this window */
  subscribe: 'fleetwatch:subscribe';
  /** renderer → main, `send(channel, eventName)`: stop pushing it */
  unsubscribe: 'fleetwatch:unsubscribe';
  /** main → renderer, `webContents.send(channel, eventName, payload)` */
  event: 'fleetwatch:event';
}

/** WebSocket frames (JSON text) from the page to the headless host. */
export type ClientFrame =
  | { kind: 'invoke'; id: number; method: string; request: unknown }
  | { kind: 'subscribe'; event: string }
  | { kind: 'unsubscribe'; event: string };

/** WebSocket frames from the headless host to the page. */
export type ServerFrame =
  | { kind: 'result'; id: number; result: InvokeResult<unknown> }
  | { [E in EventName]: { kind: 'event'; event: E; payload: Events[E] } }[EventName]
  /** events the host dropped for this page because it was not reading fast enough */
  | { kind: 'shed'; count: number };

/** The WebSocket path of the bridge and the query parameter carrying the per-run token. */
export type BridgePath = '/bridge';
export type TokenParam = 'token';
