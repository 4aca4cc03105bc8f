/** The page tells the user when the headless host goes away, instead of showing stale figures silently. */

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { startHost, type RunningHost } from '../support/host.js';

let host: RunningHost;
let browser: Browser;

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('foundation: losing the host', { timeout: 120_000 }, () => {
  it('shows a reconnecting banner when the host stops, then tells the user to open the new URL', async () => {
    const page = await browser.newPage();
    await page.goto(host.url);
    await expect.poll(() => page.getByTestId('broker-state').textContent(), { timeout: 20_000 }).toMatch(/^running/);
    expect(await page.getByTestId('connection-banner').count()).toBe(0);
    await host.stop();
    await expect.poll(() => page.getByTestId('connection-banner').textContent(), { timeout: 20_000 }).toContain('reconnecting');
    await expect.poll(() => page.getByTestId('connection-banner').textContent(), { timeout: 30_000 }).toContain('open the new URL');
  });
});
