/**
 * End to end: pressing "Chart" on a value that is already charted, with the picker on "a new
 * chart" (as after every page load), used to create a twin chart each time. Now it says where
 * the value already is and points the picker at that chart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { device, openTopic, startChartsE2E, stopChartsE2E, tasmotaSensor, type ChartsE2E } from './charts-support.js';

let e: ChartsE2E;
const T = { timeout: 20_000 };
const TOPIC = 'tele/bench-3/SENSOR';

beforeAll(async () => {
  e = await startChartsE2E();
}, 90_000);

afterAll(async () => {
  await stopChartsE2E(e);
});

describe('charting the same value twice', () => {
  it('does not make a second chart for a value already on the dashboard', async () => {
    const { page } = e;
    const dev = await device(e, 'tasmota-bench-3');
    await dev.publishAsync(TOPIC, tasmotaSensor(21), { qos: 1, retain: true });
    await page.goto(`${e.host.url}#topics`);
    await openTopic(page, TOPIC);
    await page.getByRole('button', { name: 'Chart AM2301.Temperature' }).click();
    await expect.poll(() => page.getByTestId('add-to-chart-status').textContent(), T).toMatch(/^Added AM2301\.Temperature/);

    await page.reload();
    await openTopic(page, TOPIC);
    expect(await page.getByTestId('chart-target').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Chart AM2301.Temperature' }).click();
    await expect.poll(() => page.getByTestId('add-to-chart-status').textContent(), T).toMatch(/^AM2301\.Temperature is already on “tele\/bench-3\/SENSOR › AM2301\.Temperature” on Dashboard\./);
    expect(await page.getByTestId('chart-target').locator('option:checked').textContent()).toBe('tele/bench-3/SENSOR › AM2301.Temperature');

    await page.getByRole('link', { name: 'Open Charts' }).click();
    await page.getByTestId('chart-panel').first().waitFor(T);
    expect(await page.getByTestId('chart-panel').count()).toBe(1);
    expect(e.pageErrors).toEqual([]);
  });
});
