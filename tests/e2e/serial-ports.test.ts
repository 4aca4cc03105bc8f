/**
 * End to end: what the Serial view says when the system lists no serial port. The host's answer
 * to `serial.ports` is rewritten to an empty list on its way to the page (the real bridge
 * otherwise), so the test does not depend on what is plugged into the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHost, type RunningHost } from '../support/host.js';
import { launchBrowser } from '../support/browser.js';

const T = { timeout: 30_000 };
let host: RunningHost;
let browser: Browser;

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('serial port list', () => {
  it('says what to do when no serial port is found, and opens the driver hints', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const portsCalls = new Set<number>();
    await page.routeWebSocket(/\/bridge/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message)) as { kind: string; id?: number; method?: string };
        if (frame.kind === 'invoke' && frame.method === 'serial.ports' && frame.id !== undefined) portsCalls.add(frame.id);
        server.send(message);
      });
      server.onMessage((message) => {
        const frame = JSON.parse(String(message)) as { kind: string; id?: number; result?: { ok: boolean; value?: { ports: unknown[]; error?: unknown } } };
        if (frame.kind === 'result' && frame.id !== undefined && portsCalls.has(frame.id) && frame.result?.ok && frame.result.value) {
          frame.result.value.ports = [];
          frame.result.value.error = null;
          ws.send(JSON.stringify(frame));
          return;
        }
        ws.send(message);
      });
    });
    await page.goto(`${host.url}#serial`);
    const none = page.getByTestId('ports-none');
    await none.waitFor(T);
    expect(await none.textContent()).toMatch(/No serial port found\. Plug the board in/);
    expect(await page.getByTestId('port-hints').count()).toBe(0);
    await none.getByRole('button', { name: 'drivers and boot mode' }).click();
    await page.getByTestId('port-hints').waitFor(T);
    expect(await page.getByTestId('port-hints').locator('li').count()).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
