/**
 * Start an in-process broker for a test: TCP and WebSocket listeners on 127.0.0.1 port 0 and a
 * fresh temporary directory (for a persistence the test may create there). `close()` stops the
 * broker and removes the directory.
 *
 *   const b = await startTestBroker();
 *   const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`);
 *   ...
 *   await b.close();
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker } from '../../broker-core/index.js';
import type { Broker, BrokerOptions } from '../../broker-core/index.js';

export interface TestBroker {
  port: number;
  wsPort: number;
  broker: Broker;
  /** a fresh temporary directory, removed by close() */
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestBroker(options: BrokerOptions = {}): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fw-broker-test-'));
  const broker = createBroker({ sysInterval: 0, ...options });
  const bound = await broker.listen({ tcp: { host: '127.0.0.1', port: 0 }, ws: { host: '127.0.0.1', port: 0 } });
  let closed = false;
  return {
    port: bound.tcp?.port ?? 0,
    wsPort: bound.ws?.port ?? 0,
    broker,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await broker.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
