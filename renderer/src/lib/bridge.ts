/**
 * Picks the transport: the Electron preload's `window.fleetwatch` when present, otherwise
 * the headless host's WebSocket bridge, authenticated by the token in this page's URL.
 */

import type { EventName, Events, FleetwatchClient, Method, PreloadApi, RequestOf, ResponseOf } from '../../../electron/contract/index.js';
import type { Transport, TransportStatus } from './transport.js';
import { createWsTransport, invokeError } from './ws-transport.js';

declare global {
  interface Window {
    /** exposed by electron/shell/preload.cts through contextBridge */
    fleetwatch?: PreloadApi;
  }
}

function fixedTransport(client: FleetwatchClient, status: TransportStatus): Transport {
  return {
    client,
    status: () => status,
    watch(listener) {
      listener(status);
      return () => undefined;
    },
  };
}

/** The preload hands back results as values; turn failures into rejections with their code. */
function preloadClient(api: PreloadApi): FleetwatchClient {
  return {
    async invoke<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
      const result = await api.invoke(method, request);
      if (!result.ok) throw invokeError(result.error);
      return result.value as ResponseOf<M>;
    },
    subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      return api.subscribe(event, (payload) => listener(payload as Events[E]));
    },
  };
}

/** A page opened without the token can do nothing; say so instead of retrying forever. */
const noToken: FleetwatchClient = {
  invoke: (method) => Promise.reject(invokeError({ code: 'forbidden', message: `${method}: this page has no access token` })),
  subscribe: () => () => undefined,
};

export function connect(): Transport {
  if (window.fleetwatch) return fixedTransport(preloadClient(window.fleetwatch), { state: 'open', shed: 0, detail: null });
  const token = new URLSearchParams(window.location.search).get('token');
  if (!token) {
    return fixedTransport(noToken, {
      state: 'closed',
      shed: 0,
      detail: "This address has no access token. Open the full URL that 'fleetwatch serve' printed (…/?token=…).",
    });
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWsTransport(`${scheme}//${window.location.host}/bridge?token=${encodeURIComponent(token)}`);
}
