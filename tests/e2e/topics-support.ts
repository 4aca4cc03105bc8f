/**
 * Shared pieces of the topic explorer's end-to-end tests: a host, Chromium, real MQTT
 * clients, and locators for what the user sees.
 */

import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startHost, type RunningHost } from '../support/host.js';

export interface TopicsE2E {
  host: RunningHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
  clients: MqttClient[];
}

export async function startTopicsE2E(options: { dataDir?: string } = {}): Promise<TopicsE2E> {
  const host = await startHost(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const browser = await launchBrowser();
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'], viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  await page.goto(`${host.url}#topics`);
  await page.getByRole('tree', { name: 'Topics' }).waitFor();
  return { host, browser, context, page, pageErrors, clients: [] };
}

export async function stopTopicsE2E(e: TopicsE2E | undefined): Promise<void> {
  if (!e) return;
  for (const c of e.clients) await c.endAsync().catch(() => undefined);
  await e.browser.close();
  await e.host.stop();
}

export async function mqttClient(e: TopicsE2E, clientId: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${e.host.mqttPort}`, { clientId, protocolVersion: 4, reconnectPeriod: 0 });
  e.clients.push(c);
  return c;
}

export function row(page: Page, path: string): Locator {
  return page.locator(`[role="treeitem"][data-path="${path}"]`);
}

/** data-path of every tree row currently in the DOM, in order. */
export function visiblePaths(page: Page): Promise<string[]> {
  return page.locator('[role="treeitem"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-path') ?? ''));
}

export async function setFilter(page: Page, which: 'text' | 'mqtt' | 'payload', value: string): Promise<void> {
  await page.getByTestId(`filter-${which}`).fill(value);
}

export async function clearFilters(page: Page): Promise<void> {
  for (const f of ['text', 'mqtt', 'payload'] as const) await setFilter(page, f, '');
}

/**
 * Retained messages a fresh subscriber receives under `prefix/#`. A non-retained marker
 * published after the SUBACK arrives after every retained delivery, so no sleep is needed.
 */
export async function retainedUnder(e: TopicsE2E, prefix: string): Promise<Record<string, string>> {
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${e.host.mqttPort}`, { clientId: `probe-${Date.now()}`, protocolVersion: 4, reconnectPeriod: 0 });
  try {
    const got: Record<string, string> = {};
    const marker = `${prefix}/__marker`;
    const done = new Promise<void>((resolve) => {
      sub.on('message', (topic, payload, packet) => {
        if (topic === marker) resolve();
        else if (packet.retain) got[topic] = payload.toString();
      });
    });
    await sub.subscribeAsync(`${prefix}/#`, { qos: 1 });
    await sub.publishAsync(marker, 'm', { qos: 1 });
    await done;
    return got;
  } finally {
    await sub.endAsync();
  }
}
