/**
 * End to end: the fleet view used with the keyboard only. Enter on a row opens the device page
 * with the focus on the device's heading (not lost on <body>); Escape goes back to the list with
 * the focus on the same row, so the user can carry on with the arrow keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceRow, simDevice, startFleetE2E, stopFleetE2E, type FleetE2E } from './fleet-support.js';

let e: FleetE2E;
const T = { timeout: 20_000 };

beforeAll(async () => {
  e = await startFleetE2E();
}, 90_000);
afterAll(async () => {
  await stopFleetE2E(e);
});

function focused(e: FleetE2E): Promise<{ tag: string; id: string | null; text: string }> {
  return e.page.evaluate(() => {
    const a = document.activeElement;
    return { tag: a?.tagName ?? '', id: a?.closest('[data-device-id]')?.getAttribute('data-device-id') ?? null, text: a?.textContent?.trim() ?? '' };
  });
}

describe('fleet view with the keyboard only', () => {
  it('opens a device with Enter, focusing its heading, and comes back to its row with Escape', async () => {
    const { page } = e;
    const devices = [simDevice(e, 'tasmota', 0, 'kb-'), simDevice(e, 'tasmota', 1, 'kb-'), simDevice(e, 'tasmota', 2, 'kb-')];
    for (const d of devices) await d.start();
    for (const d of devices) await deviceRow(page, d.clientId).waitFor(T);
    await page.getByTestId('sort-id').click();

    await deviceRow(page, devices[0]!.clientId).focus();
    await page.keyboard.press('ArrowDown');
    const second = devices[1]!.clientId;
    expect((await focused(e)).id).toBe(second);

    await page.keyboard.press('Enter');
    await page.getByTestId('device-page').waitFor(T);
    expect(await focused(e)).toMatchObject({ tag: 'H2', text: second });

    await page.keyboard.press('Escape');
    await deviceRow(page, second).waitFor(T);
    await expect.poll(async () => (await focused(e)).id, T).toBe(second);
    await page.keyboard.press('ArrowDown');
    expect((await focused(e)).id).toBe(devices[2]!.clientId);
    expect(e.pageErrors).toEqual([]);
  });
});
