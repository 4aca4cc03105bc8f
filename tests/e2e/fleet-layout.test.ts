/**
 * End to end: the fleet view uses the window's height. At 1400×850 the device table and the
 * alert list reach down to the bottom of the window and scroll inside; they used to stop at fixed
 * heights (62% and 40% of the window), cutting the alert list short with free space below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simDevice, startFleetE2E, stopFleetE2E, type FleetE2E } from './fleet-support.js';
import type { SimDevice } from '../../electron/simulator/device.js';
import type { Flavor } from '../../electron/simulator/firmware/profile.js';

const FLAVORS: Flavor[] = ['tasmota', 'esphome', 'homie'];

let e: FleetE2E;
const T = { timeout: 30_000 };

beforeAll(async () => {
  e = await startFleetE2E();
  await e.page.setViewportSize({ width: 1400, height: 850 });
});
afterAll(async () => {
  await stopFleetE2E(e);
});

interface Box {
  top: number;
  bottom: number;
  scrollHeight: number;
  clientHeight: number;
}

function box(selector: string): Promise<Box> {
  return e.page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight };
  });
}

const windowHeight = 850;
const pageHeight = () => e.page.evaluate(() => document.documentElement.scrollHeight);

describe('fleet view layout', () => {
  it('the table and the alert list fill the window height and scroll inside, without the page scrolling', async () => {
    const devs: SimDevice[] = Array.from({ length: 30 }, (_, i) => simDevice(e, FLAVORS[i % 3] ?? 'tasmota', i, 'lay-'));
    await Promise.all(devs.map((d) => d.start()));
    await expect.poll(() => e.page.getByRole('grid', { name: 'Fleet devices' }).getAttribute('aria-rowcount'), T).toBe('31');
    for (const d of devs.slice(0, 6)) d.die('reset');
    await expect.poll(() => e.page.getByTestId('alert').count(), T).toBe(6);
    // six alerts fit in the free height: none is cut off
    const few = await box('[data-testid="alerts-panel"] ul');
    expect(few.scrollHeight).toBeLessThanOrEqual(few.clientHeight);
    // 30 rows do not fit: the table takes the height down to the rules button at the bottom
    const grid = await box('[data-testid="fleet-grid"]');
    expect(grid.scrollHeight).toBeGreaterThan(grid.clientHeight);
    expect(grid.bottom).toBeGreaterThan(windowHeight - 100);
    expect(await pageHeight()).toBeLessThanOrEqual(windowHeight);

    for (const d of devs.slice(6, 16)) d.die('reset');
    await expect.poll(() => e.page.getByTestId('alert').count(), T).toBe(16);
    // more alerts than fit: the list reaches the bottom of its column and scrolls inside
    const many = await box('[data-testid="alerts-panel"] ul');
    expect(many.scrollHeight).toBeGreaterThan(many.clientHeight);
    expect(many.bottom).toBeGreaterThan(windowHeight - 60);
    expect(many.bottom).toBeLessThanOrEqual(windowHeight);
    expect(await pageHeight()).toBeLessThanOrEqual(windowHeight);
    // the last alert can be scrolled into full view inside the list
    const last = e.page.getByTestId('alert').last();
    await last.scrollIntoViewIfNeeded();
    const lastBox = await last.evaluate((el) => el.getBoundingClientRect().bottom);
    expect(lastBox).toBeLessThanOrEqual((await box('[data-testid="alerts-panel"] ul')).bottom + 0.5);
    expect(e.pageErrors).toEqual([]);
  });
});
