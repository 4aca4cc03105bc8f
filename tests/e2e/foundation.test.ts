/**
 * End to end: the real headless host (`fleetwatch serve`) with the real broker, opened in
 * Chromium, showing broker status and stats that change when real MQTT clients come and go.
 */

import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { startHost, type RunningHost } from '../support/host.js';

let host: RunningHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  await page.goto(host.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('foundation end to end (fleetwatch serve + Chromium)', { timeout: 120_000 }, () => {
  it('renders the broker as running on the MQTT port the host bound', async () => {
    await expect.poll(() => page.getByTestId('broker-state').textContent(), { timeout: 20_000 }).toBe(`running on :${host.mqttPort}`);
    await expect.poll(() => page.getByTestId('listener-tcp').textContent()).toContain(`:${host.mqttPort}`);
    await expect.poll(() => page.getByTestId('clients-connected').textContent()).toBe('0');
  });

  it('shows a real MQTT client connecting and leaving, from live events', async () => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${host.mqttPort}`, { clientId: 'e2e-sensor-1', protocolVersion: 4, reconnectPeriod: 0 });
    try {
      await expect.poll(() => page.getByTestId('clients-connected').textContent(), { timeout: 20_000 }).toBe('1');
      await expect.poll(() => page.getByTestId('clients-table').textContent(), { timeout: 20_000 }).toContain('e2e-sensor-1');
      await client.publishAsync('lab/e2e/temp', '20.5', { qos: 1 });
      await expect.poll(() => page.getByTestId('publish-received').textContent(), { timeout: 20_000 }).not.toBe('0');
    } finally {
      await client.endAsync();
    }
    await expect.poll(() => page.getByTestId('clients-connected').textContent(), { timeout: 20_000 }).toBe('0');
    await expect.poll(() => page.getByTestId('no-clients').isVisible(), { timeout: 20_000 }).toBe(true);
  });

  it('navigates between the views; the ones not built yet say so', async () => {
    for (const name of ['Topics', 'Fleet', 'Charts', 'Serial']) {
      await page.getByRole('link', { name }).click();
      await expect.poll(() => page.url()).toContain(`#${name.toLowerCase()}`);
    }
    await page.getByRole('link', { name: 'Broker' }).click();
    await expect.poll(() => page.getByTestId('broker-view').isVisible()).toBe(true);
  });

  it('ran without script errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });

  it('a page opened without the token is told to use the printed URL and gets no data', async () => {
    const bare = await browser.newPage();
    try {
      await bare.goto(`http://127.0.0.1:${host.port}/`);
      await expect.poll(() => bare.getByTestId('connection-banner').textContent()).toContain('no access token');
      expect(await bare.getByTestId('clients-connected').count()).toBe(0);
    } finally {
      await bare.close();
    }
  });
});
