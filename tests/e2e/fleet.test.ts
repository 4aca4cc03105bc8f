/**
 * End to end: the fleet view in Chromium, served by `fleetwatch serve`, watching simulated
 * devices on the host's broker. A device dies; the user sees its state, the reason and a
 * notification, acknowledges the alert, and reads the outage on the device page.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deviceRow, shown, simDevice, startFleetE2E, stopFleetE2E, type FleetE2E } from './fleet-support.js';

let e: FleetE2E;
const T = { timeout: 20_000 };

beforeAll(async () => {
  e = await startFleetE2E();
});
afterAll(async () => {
  await stopFleetE2E(e);
});
beforeEach(async () => {
  // each test starts from the device list, whatever the previous one left open
  const back = e.page.getByRole('button', { name: '← All devices' });
  if (await back.count()) await back.click();
});

describe('fleet view end to end', () => {
  it('is a real grid: one row per device, the id in the first cell, the status as a word', async () => {
    const { page } = e;
    const dev = simDevice(e, 'esphome', 0, 'g-', 1_000);
    await dev.start();
    const row = deviceRow(page, dev.clientId);
    await row.waitFor(T);
    const grid = page.getByRole('grid', { name: 'Fleet devices' });
    expect(await grid.getAttribute('aria-rowcount')).toBe('2');
    const cells = row.getByRole('gridcell');
    expect(await cells.first().textContent()).toContain(dev.clientId);
    await expect.poll(() => row.getByTestId('status').textContent(), T).toBe('online');
    await expect.poll(() => cells.nth(4).textContent(), T).toMatch(/^-\d+ dBm$/);
    expect(await page.getByRole('columnheader', { name: 'Status' }).getAttribute('aria-sort')).toBe('ascending');
    expect(e.pageErrors).toEqual([]);
  });

  it('shows a killed device going offline with its reason, and notifies', async () => {
    const { page } = e;
    const dev = simDevice(e, 'tasmota', 1, 'k-');
    await dev.start();
    const row = deviceRow(page, dev.clientId);
    await expect.poll(() => row.getByTestId('status').textContent(), T).toBe('online');

    dev.die('reset');
    await expect.poll(() => row.getByTestId('status').textContent(), T).toBe('offline');
    expect(await row.getByTestId('reason').textContent()).toBe('connection lost');
    expect(await row.getByTestId('reason').getAttribute('title')).toMatch(/^connection lost — /);

    const title = `${dev.profile.name} offline`;
    await expect.poll(async () => (await shown(page)).find((n) => n.title === title), T).toMatchObject({ body: expect.stringMatching(/^connection lost; offline for \d+ s$/) });
    const alert = page.getByTestId('alert').filter({ hasText: title });
    await alert.waitFor(T);
    await alert.getByRole('button', { name: `Acknowledge: ${title}` }).click();
    await expect.poll(() => alert.textContent(), T).toContain('acknowledged');

    await row.click();
    const device = page.getByTestId('device-page');
    await expect.poll(() => device.getByTestId('device-status').textContent(), T).toBe('offline');
    expect(await device.getByTestId('device-reason').textContent()).toMatch(/^connection lost — socket /);
    expect(await device.getByTestId('detection-delay').textContent()).toBe('45 s (1.5 × keepalive)');
    await expect.poll(() => device.getByTestId('outages').locator('tbody tr').first().textContent(), T).toMatch(/ongoing.*connection lost/);
    await expect.poll(() => device.getByTestId('sessions').locator('tbody tr').first().textContent(), T).toMatch(/connection lost/);

    await dev.revive();
    await expect.poll(() => device.getByTestId('device-status').textContent(), T).toBe('online');
    await expect.poll(async () => (await shown(page)).some((n) => n.title === `${dev.profile.name} back online`), T).toBe(true);
    await page.getByRole('button', { name: '← All devices' }).click();
    expect(e.pageErrors).toEqual([]);
  });

  it('reports a silent death as a keepalive timeout after 1.5 × keepalive', async () => {
    const { page } = e;
    const { SimDevice } = await import('../../electron/simulator/device.js');
    const { homieProfile } = await import('../../electron/simulator/firmware/homie.js');
    const dev = new SimDevice({ host: '127.0.0.1', port: e.host.mqttPort ?? 0, profile: homieProfile(2, 's-', 4, 1), telemetryMs: 0, reconnectMs: 60_000 });
    e.devices.push(dev);
    await dev.start();
    const row = deviceRow(page, dev.clientId);
    await expect.poll(() => row.getByTestId('status').textContent(), T).toBe('online');
    dev.die('silent');
    await expect.poll(() => row.getByTestId('status').textContent(), T).toBe('offline');
    expect(await row.getByTestId('reason').textContent()).toBe('keepalive timeout');
    // the broker checks every 0.5 s, so a loaded machine notices somewhat after 1.5 s
    expect(await row.getByTestId('reason').getAttribute('title')).toMatch(/^keepalive timeout — no packet for \d+\.\d s \(keepalive 1 s\)$/);
    await expect.poll(async () => (await shown(page)).find((n) => n.title === `${dev.profile.name} offline`)?.body, T).toMatch(/^keepalive timeout/);
  });

  it('sorts, filters and changes the alert rules from the page', async () => {
    const { page } = e;
    await page.getByTestId('fleet-filter').fill('k-');
    await expect.poll(() => page.locator('[role="row"][data-device-id]').count(), T).toBe(1);
    await page.getByTestId('fleet-filter').fill('');
    await page.getByTestId('sort-id').click();
    expect(await page.getByRole('columnheader', { name: 'Device' }).getAttribute('aria-sort')).toBe('ascending');
    const ids = await page.locator('[role="row"][data-device-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-device-id') ?? ''));
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    await page.getByTestId('sort-id').click();
    expect(await page.getByRole('columnheader', { name: 'Device' }).getAttribute('aria-sort')).toBe('descending');

    await page.getByTestId('rules-toggle').click();
    await page.getByTestId('min-offline').fill('45');
    await page.getByTestId('save-rules').click();
    await page.getByRole('status').filter({ hasText: 'Alert rules saved.' }).waitFor(T);
    const { readFile } = await import('node:fs/promises');
    const saved = JSON.parse(await readFile(`${e.dataDir}/alert-settings.json`, 'utf8')) as { defaults: { minOfflineSec: number } };
    expect(saved.defaults.minOfflineSec).toBe(45);
    expect(e.pageErrors).toEqual([]);
  });
});
