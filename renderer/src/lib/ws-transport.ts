/**
 * The contract over the headless host's WebSocket bridge.
 *
 * Invocations wait (bounded by MAX_PENDING) while the socket connects, and fail with
 * `timeout` after INVOKE_TIMEOUT_MS or `disconnected` if the socket drops. The socket
 * reconnects with backoff and re-sends the page's subscriptions, so views only need to
 * refetch their snapshot when the status returns to `open`.
 */

import type {
  ClientFrame,
  ContractError,
  ErrorCode,
  EventName,
  Events,
  FleetwatchClient,
  InvokeError,
  Method,
  RequestOf,
  ResponseOf,
  ServerFrame,
} from '../../../electron/contract/index.js';
import type { Transport, TransportStatus } from './transport.js';

const MAX_PENDING = 256;
const INVOKE_TIMEOUT_MS = 15_000;
const BACKOFF_MS = [250, 500, 1000, 2000, 5000];
/** after this many failed attempts in a row the host has probably gone (or restarted with a new token) */
const GIVE_UP_HINT_AFTER = 4;

interface Pending {
  resolve(value: unknown): void;
  reject(error: InvokeError): void;
  timer: ReturnType<typeof setTimeout>;
}

export function invokeError(error: ContractError): InvokeError {
  return Object.assign(new Error(error.message), { code: error.code });
}

function fail(code: ErrorCode, message: string): InvokeError {
  return invokeError({ code, message });
}

export function createWsTransport(url: string): Transport {
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const statusListeners = new Set<(s: TransportStatus) => void>();
  const outbox: string[] = [];
  let status: TransportStatus = { state: 'connecting', shed: 0, detail: null };
  let socket: WebSocket | null = null;
  let nextId = 1;
  let failures = 0;

  const setStatus = (patch: Partial<TransportStatus>): void => {
    status = { ...status, ...patch };
    for (const l of statusListeners) l(status);
  };

  const sendFrame = (frame: ClientFrame): void => {
    const text = JSON.stringify(frame);
    if (socket?.readyState === WebSocket.OPEN) socket.send(text);
    else if (frame.kind === 'invoke') outbox.push(text);
    // (un)subscribe frames are not queued: every subscription is re-sent on open.
  };

  const onFrame = (frame: ServerFrame): void => {
    if (frame.kind === 'result') {
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      clearTimeout(p.timer);
      if (frame.result.ok) p.resolve(frame.result.value);
      else p.reject(invokeError(frame.result.error));
    } else if (frame.kind === 'event') {
      for (const l of listeners.get(frame.event) ?? []) (l as (payload: unknown) => void)(frame.payload);
    } else if (frame.kind === 'shed') {
      setStatus({ shed: status.shed + frame.count });
    }
  };

  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      for (const event of listeners.keys()) ws.send(JSON.stringify({ kind: 'subscribe', event } satisfies ClientFrame));
      for (const text of outbox.splice(0)) ws.send(text);
      setStatus({ state: 'open', detail: null });
    };
    ws.onmessage = (msg) => {
      if (typeof msg.data !== 'string') return;
      try {
        onFrame(JSON.parse(msg.data) as ServerFrame);
      } catch (err) {
        console.error('fleetwatch: bad frame from host', err);
      }
    };
    ws.onclose = () => {
      socket = null;
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.reject(fail('disconnected', 'the connection to Fleetwatch closed'));
        pending.delete(id);
      }
      outbox.length = 0;
      failures += 1;
      const detail =
        failures > GIVE_UP_HINT_AFTER
          ? 'Cannot reach Fleetwatch. If it was restarted, open the new URL it printed (each run has a new token).'
          : 'Connection to Fleetwatch lost; reconnecting…';
      setStatus({ state: failures > GIVE_UP_HINT_AFTER ? 'closed' : 'connecting', detail });
      setTimeout(connect, BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1]);
    };
  };

  const client: FleetwatchClient = {
    invoke<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
      if (pending.size >= MAX_PENDING) return Promise.reject(fail('unavailable', 'too many requests in flight'));
      const id = nextId++;
      return new Promise<ResponseOf<M>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(fail('timeout', `${method}: no answer within ${INVOKE_TIMEOUT_MS / 1000} s`));
        }, INVOKE_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        sendFrame({ kind: 'invoke', id, method, request });
      });
    },
    subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        sendFrame({ kind: 'subscribe', event });
      }
      const stored = listener as (payload: never) => void;
      set.add(stored);
      return () => {
        set.delete(stored);
        if (set.size === 0 && listeners.get(event) === set) {
          listeners.delete(event);
          sendFrame({ kind: 'unsubscribe', event });
        }
      };
    },
  };

  connect();
  return {
    client,
    status: () => status,
    watch(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
  };
}
