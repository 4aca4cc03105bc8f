import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: repoRoot });

/** Lints `code` as if it were the file at `path` (nothing is written), returning restricted-import messages. */
async function importErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(repoRoot, path) });
  return (result?.messages ?? []).filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message);
}

describe('dependency arrows (eslint)', () => {
  it('broker-core importing electron/ fails', async () => {
    expect(await importErrors('broker-core/broker/x.ts', "import { createFleetwatchApp } from '../../electron/app/create-app.js';\nvoid createFleetwatchApp;\n")).toHaveLength(1);
  });

  it('broker-core importing a package fails, ws included outside transport/', async () => {
    expect(await importErrors('broker-core/x.ts', "import Datastore from 'nedb-promises';\nvoid Datastore;\n")).toHaveLength(1);
    expect(await importErrors('broker-core/broker/x.ts', "import { WebSocketServer } from 'ws';\nvoid WebSocketServer;\n")).toHaveLength(1);
    expect(await importErrors('broker-core/transport/x.ts', "import { WebSocketServer } from 'ws';\nvoid WebSocketServer;\n")).toEqual([]);
    expect(await importErrors('broker-core/transport/x.ts', "import mqtt from 'mqtt';\nvoid mqtt;\n")).toHaveLength(1);
  });

  it('broker-core may import itself and node: built-ins', async () => {
    expect(await importErrors('broker-core/broker/x.ts', "import { createServer } from 'node:net';\nimport type { QoS } from '../codec/packets.js';\nexport const x: QoS = 0;\nvoid createServer;\n")).toEqual([]);
  });

  it('the renderer importing node:fs (or fs, or electron) fails', async () => {
    expect(await importErrors('renderer/src/lib/x.ts', "import { readFileSync } from 'node:fs';\nvoid readFileSync;\n")).toHaveLength(1);
    expect(await importErrors('renderer/src/lib/x.ts', "import { readFileSync } from 'fs';\nvoid readFileSync;\n")).toHaveLength(1);
    expect(await importErrors('renderer/src/lib/x.ts', "import { ipcRenderer } from 'electron';\nvoid ipcRenderer;\n")).toHaveLength(1);
  });

  it('the renderer importing main-process code or broker-core fails', async () => {
    expect(await importErrors('renderer/src/lib/x.ts', "import { HandlerError } from '../../../electron/bridge/errors.js';\nvoid HandlerError;\n")).toHaveLength(1);
    expect(await importErrors('renderer/src/lib/x.ts', "import type { QoS } from '../../../broker-core/index.js';\nexport type Q = QoS;\n")).toHaveLength(1);
  });

  it('the renderer may import the contract only as types', async () => {
    expect(await importErrors('renderer/src/lib/x.ts', "import type { Requests } from '../../../electron/contract/index.js';\nexport type R = Requests;\n")).toEqual([]);
    expect(await importErrors('renderer/src/lib/x.ts', "import { Requests } from '../../../electron/contract/index.js';\nexport type R = Requests;\n")).toHaveLength(1);
  });

  it('checks Svelte components too', async () => {
    const component = "<script lang=\"ts\">\n  import { readFileSync } from 'node:fs';\n  void readFileSync;\n</script>\n";
    expect(await importErrors('renderer/src/components/X.svelte', component)).toHaveLength(1);
  });

  it('the contract importing anything but its own files fails', async () => {
    expect(await importErrors('electron/contract/x.ts', "import type { QoS } from '../../broker-core/index.js';\nexport type Q = QoS;\n")).toHaveLength(1);
    expect(await importErrors('electron/contract/x.ts', "import type { Server } from 'node:http';\nexport type S = Server;\n")).toHaveLength(1);
    expect(await importErrors('electron/contract/x.ts', "import type { BrokerEvents } from './broker.js';\nexport type B = BrokerEvents;\n")).toEqual([]);
  });

  it('the main process importing broker-core internals, renderer code, or electron outside the shell fails', async () => {
    expect(await importErrors('electron/app/x.ts', "import type { Session } from '../../broker-core/session/session.js';\nexport type S = Session;\n")).toHaveLength(1);
    expect(await importErrors('electron/app/x.ts', "import App from '../../renderer/src/App.svelte';\nvoid App;\n")).toHaveLength(1);
    expect(await importErrors('electron/app/x.ts', "import { app } from 'electron';\nvoid app;\n")).toHaveLength(1);
    expect(await importErrors('electron/shell/x.ts', "import { app } from 'electron';\nvoid app;\n")).toEqual([]);
    expect(await importErrors('electron/app/x.ts', "import type { BrokerOptions } from '../../broker-core/index.js';\nexport type B = BrokerOptions;\n")).toEqual([]);
  });
});
