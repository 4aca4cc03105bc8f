/**
 * End to end: the dashboard bar before the first dashboard (no empty "Dashboard" select) and
 * deleting a dashboard, which now takes a confirmation: one stray click used to delete the
 * whole layout at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChartsE2E, stopChartsE2E, type ChartsE2E } from './charts-support.js';

let e: ChartsE2E;
const T = { timeout: 20_000 };

beforeAll(async () => {
  e = await startChartsE2E();
}, 90_000);

afterAll(async () => {
  await stopChartsE2E(e);
});

describe('dashboard bar', () => {
  it('shows no dashboard select before the first dashboard, and asks before deleting one', async () => {
    const { page } = e;
    await page.goto(`${e.host.url}#charts`);
    await page.getByText('No dashboard yet.').waitFor(T);
    expect(await page.getByTestId('dashboard-select').count()).toBe(0);

    await page.getByTestId('new-dashboard').click();
    await page.getByTestId('dashboard-select').waitFor(T);
    await page.getByTestId('add-chart').click();
    await page.getByTestId('chart-panel').waitFor(T);

    await page.getByTestId('delete-dashboard').click();
    const confirm = page.getByRole('group', { name: 'Confirm deleting the dashboard' });
    expect(await confirm.textContent()).toMatch(/Delete “Dashboard 1” and its 1 chart\?/);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('chart-panel').count()).toBe(1);

    await page.getByTestId('delete-dashboard').click();
    await page.getByTestId('delete-dashboard-confirm').click();
    await page.getByText('No dashboard yet.').waitFor(T);
    expect(await page.getByTestId('chart-panel').count()).toBe(0);
    expect(await page.getByTestId('dashboard-select').count()).toBe(0);
    expect(e.pageErrors).toEqual([]);
  });
});
