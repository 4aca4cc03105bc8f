/**
 * Shared pieces of the charts end-to-end tests: a host on a data folder that outlives it (to
 * restart with the same history), Chromium, real MQTT clients, and what the user sees.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startHost, type RunningHost } from '../support/host.js';

export interface ChartsE2E {
  dataDir: string;
  host: RunningHost;
  browser: Browser;
  page: Page;
  pageErrors: string[];
  clients: MqttClient[];
}

export async function startChartsE2E(): Promise<ChartsE2E> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fleetwatch-charts-e2e-'));
  const host = await startHost({ dataDir });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  return { dataDir, host, browser, page, pageErrors, clients: [] };
}

/** Stops the host and starts a new one on the same data folder (new ports, new token). */
export async function restartHost(e: ChartsE2E): Promise<void> {
  for (const c of e.clients.splice(0)) await c.endAsync(true).catch(() => undefined);
  expect0(await e.host.stop());
  e.host = await startHost({ dataDir: e.dataDir });
}

function expect0(code: number | null): void {
  if (code !== 0) throw new Error(`fleetwatch serve exited with ${code}`);
}

export async function stopChartsE2E(e: ChartsE2E | undefined): Promise<void> {
  if (!e) return;
  for (const c of e.clients) await c.endAsync(true).catch(() => undefined);
  await e.browser.close();
  await e.host.stop();
  await rm(e.dataDir, { recursive: true, force: true });
}

export async function device(e: ChartsE2E, clientId: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${e.host.mqttPort}`, { clientId, protocolVersion: 4, reconnectPeriod: 0 });
  e.clients.push(c);
  return c;
}

/** A Tasmota `tele/<topic>/SENSOR` payload with an AM2301. */
export function tasmotaSensor(temperature: number, humidity = 45): string {
  return JSON.stringify({ Time: new Date().toISOString().slice(0, 19), AM2301: { Temperature: temperature, Humidity: humidity, DewPoint: 9.1 }, TempUnit: 'C' });
}

/** Selects a topic in the explorer's tree by opening each level. */
export async function openTopic(page: Page, topicName: string): Promise<void> {
  await page.goto(`${page.url().split('#')[0]}#topics`);
  await page.getByRole('tree', { name: 'Topics' }).waitFor();
  const levels = topicName.split('/');
  for (let i = 1; i <= levels.length; i++) {
    const path = levels.slice(0, i).join('/');
    const row = page.locator(`[role="treeitem"][data-path="${path}"]`);
    await row.click();
    if (i < levels.length && (await row.getAttribute('aria-expanded')) === 'false') await page.keyboard.press('ArrowRight');
  }
  await page.getByTestId('detail-topic').filter({ hasText: topicName }).waitFor();
}

export function panel(page: Page, index = 0): Locator {
  return page.getByTestId('chart-panel').nth(index);
}

/** The values the chart's data table lists for a series, oldest first. */
export async function tableValues(p: Locator, seriesKey: string): Promise<number[]> {
  const cells = p.locator(`table[data-series-key='${seriesKey.replace(/'/g, "\\'")}'] td[data-value]`);
  const values = await cells.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-value'))));
  return values.reverse();
}

export async function statusOf(p: Locator): Promise<{ values: number; drawn: number; drawnMax: number; width: number; loadMs: number | null; text: string }> {
  const s = p.getByTestId('chart-status');
  const attr = async (name: string): Promise<string> => (await s.getAttribute(name)) ?? '';
  const load = await attr('data-load-ms');
  return {
    values: Number(await attr('data-values')),
    drawn: Number(await attr('data-drawn')),
    drawnMax: Number(await attr('data-drawn-max')),
    width: Number(await attr('data-width')),
    loadMs: load === '' ? null : Number(load),
    text: (await s.textContent()) ?? '',
  };
}
