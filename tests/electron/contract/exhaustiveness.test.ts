import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createFleetwatchApp, type FleetwatchApp } from '../../../electron/app/create-app.js';
import { eventNames, validators } from '../../../electron/bridge/validators/index.js';
import { contractKeys, typeErrors } from './compile.js';

const contractDir = resolve(import.meta.dirname, '../../../electron/contract');

// The handlers the real composition root builds (not a hand-made list).
let app: FleetwatchApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(resolve(tmpdir(), 'fleetwatch-contract-'));
  app = await createFleetwatchApp({ dataDir, mqttHost: '127.0.0.1', mqttPort: 0, inMemory: true, notify: () => undefined, log: () => undefined });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

// Each check builds a TypeScript program (seconds; much longer on a loaded 2-core machine).
describe('contract exhaustiveness', { timeout: 120_000 }, () => {
  it('a Handlers object without one of the methods does not compile', () => {
    const errors = typeErrors(`
      import type { Handlers } from './contract/index.js';
      declare const full: Handlers;
      const { 'broker.clients': _dropped, ...rest } = full;
      export const partial: Handlers = rest;
    `);
    expect(errors.join('\n')).toMatch(/Property '["']?broker\.clients["']?' is missing/);
  });

  it('an area handler map without one of its methods does not compile', () => {
    const errors = typeErrors(`
      import type { AreaHandlers, BrokerRequests } from './contract/index.js';
      export const h: AreaHandlers<BrokerRequests> = {
        'broker.status': async () => { throw new Error(); },
        'broker.stats': async () => { throw new Error(); },
      };
    `);
    expect(errors.join('\n')).toMatch(/Property '["']?broker\.clients["']?' is missing/);
  });

  it('a handler returning the wrong response type does not compile', () => {
    const errors = typeErrors(`
      import type { Handlers } from './contract/index.js';
      declare const full: Handlers;
      export const h: Handlers = { ...full, 'broker.stats': async () => ({ clientsConnected: 'many' }) };
    `);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('a validator map without one of the methods does not compile', () => {
    const errors = typeErrors(`
      import type { Validators } from './bridge/validators/index.js';
      declare const full: Validators;
      const { 'broker.stats': _dropped, ...rest } = full;
      export const partial: Validators = rest;
    `);
    expect(errors.join('\n')).toMatch(/Property '["']?broker\.stats["']?' is missing/);
  });

  it('the complete maps compile without errors (the checks above are not failing for another reason)', () => {
    expect(
      typeErrors(`
        import type { Handlers } from './contract/index.js';
        import type { Validators } from './bridge/validators/index.js';
        declare const h: Handlers;
        declare const v: Validators;
        export const again: Handlers = { ...h };
        export const againV: Validators = { ...v };
      `),
    ).toEqual([]);
  });

  it('the runtime handler, validator and event maps cover exactly the contract', async () => {
    const methods = contractKeys('Requests');
    const events = contractKeys('Events');
    expect(methods).toContain('broker.status');
    expect(events).toContain('broker.stats');
    expect(Object.keys(app.handlers).sort()).toEqual(methods);
    expect(Object.keys(validators).sort()).toEqual(methods);
    expect(Object.keys(eventNames).sort()).toEqual(events);
  });

  it('every method and event name is prefixed with its area', () => {
    for (const name of [...contractKeys('Requests'), ...contractKeys('Events')]) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z.]+$/);
    }
  });

  it('the contract is types only: no runtime statement in any of its files', () => {
    const files = readdirSync(contractDir).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const f of files) {
      const sf = ts.createSourceFile(f, readFileSync(resolve(contractDir, f), 'utf8'), ts.ScriptTarget.Latest, true);
      for (const st of sf.statements) {
        const typeOnly =
          ts.isInterfaceDeclaration(st) ||
          ts.isTypeAliasDeclaration(st) ||
          (ts.isImportDeclaration(st) && st.importClause?.isTypeOnly === true) ||
          (ts.isExportDeclaration(st) && st.isTypeOnly);
        expect(typeOnly, `${f}: ${st.getText(sf).slice(0, 80)}`).toBe(true);
      }
    }
  });
});
