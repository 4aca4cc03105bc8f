/**
 * The headless host: the same main-process app, with the built renderer served over HTTP
 * and the contract over a WebSocket bridge, for a browser instead of an Electron window.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FleetwatchApp } from '../app/create-app.js';
import { createDispatcher } from '../bridge/dispatcher.js';
import { attachBridge, BRIDGE_PATH } from './ws-bridge.js';
import { contentSecurityPolicy, createToken, hostPort, isAllowedOrigin, isWildcardHost } from './security.js';
import { createStaticHandler } from './static-server.js';

export interface HostOptions {
  app: Pick<FleetwatchApp, 'handlers' | 'events'>;
  /** the UI's bind address; loopback unless the user asks otherwise */
  host: string;
  /** 0 picks a free port */
  port: number;
  /** the built renderer (dist/renderer) */
  rendererDir: string;
  /** fixed token for tests; a fresh random one per run otherwise */
  token?: string;
  log?: (line: string) => void;
}

export interface RunningHost {
  /** the URL to open, token included */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const DEFAULT_UI_HOST = '127.0.0.1';

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? createToken();
  const log = options.log;
  const server = createServer();
  const port = await listen(server, options.host, options.port);

  // Pages opened through a wildcard bind are reached by some name of this machine; print loopback.
  const urlHost = hostPort(isWildcardHost(options.host) ? '127.0.0.1' : options.host, port);
  const wsOrigins = isWildcardHost(options.host) ? `ws://*:${port}` : `ws://${urlHost}`;
  const isAllowedHost = (h: string | undefined): boolean =>
    isWildcardHost(options.host) ? h !== undefined && h.endsWith(`:${port}`) : h === urlHost;

  server.on('request', createStaticHandler({ rootDir: options.rendererDir, csp: contentSecurityPolicy(wsOrigins), isAllowedHost }));
  const dispatcher = createDispatcher({ handlers: options.app.handlers, events: options.app.events, ...(log ? { log } : {}) });
  const bridge = attachBridge({
    server,
    dispatcher,
    token,
    isAllowedOrigin: (origin, requestHost) => isAllowedOrigin(origin, options.host, port, requestHost),
    ...(log ? { log } : {}),
  });

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}/?token=${token}`,
    port,
    token,
    close: () => {
      closing ??= (async () => {
        await bridge.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

export { BRIDGE_PATH };
