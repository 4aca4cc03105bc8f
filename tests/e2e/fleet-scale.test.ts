/**
 * End to end at fleet scale: 500 simulated devices (Tasmota, ESPHome, Homie, with telemetry) on
 * the host's broker, the fleet view in Chromium. The table stays usable: every device counted,
 * only the rows in view in the DOM, sorting, filtering and keyboard navigation work, and a
 * mass drop becomes one grouped alert. Timing figures live in bench/fleet (no timed assertions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimFleet } from '../../electron/simulator/fleet.js';
import { deviceRow, shown, startFleetE2E, stopFleetE2E, type FleetE2E } from './fleet-support.js';

let e: FleetE2E;
let fleet: SimFleet;
const T = { timeout: 60_000 };
const N = 500;

beforeAll(async () => {
  e = await startFleetE2E(5);
  fleet = new SimFleet({ host: '127.0.0.1', port: e.host.mqttPort ?? 0, devices: N, flavor: 'mixed', prefix: 'sc-', telemetryMs: 5_000, rampMs: 2_000 });
  await fleet.start();
}, 120_000);

afterAll(async () => {
  await fleet?.stop();
  await stopFleetE2E(e);
}, 120_000);

function renderedIds(): Promise<string[]> {
  return e.page.locator('[role="row"][data-device-id]').evaluateAll((els) =>
    els
      .map((el) => ({ id: el.getAttribute('data-device-id') ?? '', index: Number(el.getAttribute('aria-rowindex')) }))
      .sort((a, b) => a.index - b.index)
      .map((r) => r.id),
  );
}

describe('fleet view with 500 devices', () => {
  it('counts all 500 online while rendering only the rows in view', async () => {
    const { page } = e;
    await expect.poll(() => page.getByTestId('fleet-summary').textContent(), T).toContain(`${N} online`);
    const grid = page.getByRole('grid', { name: 'Fleet devices' });
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(N + 1));
    const rendered = await page.locator('[role="row"][data-device-id]').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(80);
    expect(e.pageErrors).toEqual([]);
  });

  it('sorts by device id both ways and keeps aria-rowindex consistent', async () => {
    const { page } = e;
    const all = fleet.devices.map((d) => d.clientId).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    await page.getByTestId('sort-id').click();
    await expect.poll(async () => (await renderedIds())[0], T).toBe(all[0]);
    await page.getByTestId('sort-id').click();
    await expect.poll(async () => (await renderedIds())[0], T).toBe(all[all.length - 1]);
    expect(await page.getByRole('columnheader', { name: 'Device' }).getAttribute('aria-sort')).toBe('descending');
  });

  it('reaches the last device with the keyboard (End), with the table virtualized', async () => {
    const { page } = e;
    const all = fleet.devices.map((d) => d.clientId).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    await page.locator('[role="row"][data-device-id]').first().focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-device-id')), T).toBe(all[0]);
    expect(await deviceRow(page, all[0]!).getAttribute('aria-rowindex')).toBe(String(N + 1));
    expect(await page.locator('[role="row"][data-device-id]').count()).toBeLessThan(80);
    await page.keyboard.press('Home');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-device-id')), T).toBe(all[all.length - 1]);
  });

  it('filters by text and by status', async () => {
    const { page } = e;
    await page.getByTestId('fleet-filter').fill('tasmota');
    await expect.poll(() => page.getByTestId('fleet-summary').textContent(), T).toContain(`showing ${Math.ceil(N / 3)} of ${N}`);
    await page.getByTestId('fleet-filter').fill('');
    await page.getByTestId('status-filter').selectOption('offline');
    await expect.poll(() => page.locator('[role="row"][data-device-id]').count(), T).toBe(0);
    await page.getByTestId('status-filter').selectOption('all');
  });

  it('turns ten devices dropping at once into one grouped alert and shows each as offline', async () => {
    const { page } = e;
    const victims = fleet.devices.slice(0, 10);
    for (const d of victims) d.die('reset');
    await expect.poll(() => page.getByTestId('fleet-summary').textContent(), T).toContain('10 offline');
    await expect.poll(async () => (await shown(page)).filter((n) => n.title === '10 devices went offline').length, T).toBe(1);
    expect((await shown(page)).filter((n) => / offline$/.test(n.title) && !n.title.startsWith('10 devices'))).toEqual([]);
    await page.getByTestId('status-filter').selectOption('offline');
    await expect.poll(async () => (await renderedIds()).sort(), T).toEqual(victims.map((d) => d.clientId).sort());
    const statuses = await page.locator('[role="row"][data-device-id] [data-testid="status"]').allTextContents();
    expect(statuses).toEqual(Array(10).fill('offline'));
    await page.getByTestId('status-filter').selectOption('all');
    expect(e.pageErrors).toEqual([]);
  });
});
