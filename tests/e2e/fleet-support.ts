/**
 * Shared pieces of the fleet view's end-to-end tests: a headless host whose alert rules alert at
 * once, Chromium with notifications allowed and the Notification constructor observed, and
 * simulated devices pointed at the host's broker.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startHost, type RunningHost } from '../support/host.js';
import { SimDevice } from '../../electron/simulator/device.js';
import { profileFor } from '../../electron/simulator/fleet.js';
import type { Flavor } from '../../electron/simulator/firmware/profile.js';
import { defaultAlertSettings } from '../../electron/services/alerts/rules.js';

export interface FleetE2E {
  host: RunningHost;
  dataDir: string;
  browser: Browser;
  page: Page;
  pageErrors: string[];
  devices: SimDevice[];
}

export interface Shown {
  title: string;
  body: string;
}

/** `groupWindowSec` 0 by default: alert at once, no minimum offline time, no grouping wait. */
export async function startFleetE2E(groupWindowSec = 0): Promise<FleetE2E> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fw-fleet-e2e-'));
  const alerts = defaultAlertSettings();
  await writeFile(join(dataDir, 'alert-settings.json'), JSON.stringify({ ...alerts, defaults: { ...alerts.defaults, minOfflineSec: 0 }, groupWindowSec }));
  const host = await startHost({ dataDir });
  const browser = await launchBrowser();
  const context = await browser.newContext({ permissions: ['notifications'], viewport: { width: 1500, height: 950 } });
  // Observe the page's notifications: the real API still runs, we record what it was asked to show.
  await context.addInitScript(() => {
    const w = window as unknown as { __shown: Array<{ title: string; body: string }>; Notification: typeof Notification };
    w.__shown = [];
    const Real = w.Notification;
    class Observed extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        w.__shown.push({ title, body: options?.body ?? '' });
      }
    }
    w.Notification = Observed;
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  await page.goto(`${host.url}#fleet`);
  await page.getByTestId('alerts-panel').waitFor();
  return { host, dataDir, browser, page, pageErrors, devices: [] };
}

export async function stopFleetE2E(e: FleetE2E | undefined): Promise<void> {
  if (!e) return;
  await Promise.all(e.devices.map((d) => d.stop().catch(() => undefined)));
  for (const d of e.devices) d.abandonLinks();
  await e.browser.close();
  await e.host.stop();
  await rm(e.dataDir, { recursive: true, force: true });
}

export function simDevice(e: FleetE2E, flavor: Flavor, index: number, prefix: string, telemetryMs = 0): SimDevice {
  const d = new SimDevice({ host: '127.0.0.1', port: e.host.mqttPort ?? 0, profile: profileFor(flavor, index, prefix, undefined, telemetryMs), telemetryMs, reconnectMs: 60_000 });
  e.devices.push(d);
  return d;
}

export function shown(page: Page): Promise<Shown[]> {
  return page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown);
}

export function deviceRow(page: Page, id: string) {
  return page.locator(`[role="row"][data-device-id="${id}"]`);
}
