/**
 * End to end: getting around the fleet view. With the keyboard only, Enter on a row opens the
 * device page with the focus on the device's heading (not lost on <body>); Escape goes back to
 * the list with the focus on the same row. The open device is in the address (`#fleet/<id>`), so
 * browser Back returns to the list, a link opens a device, and so does a click on a notification.
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

  it('keeps the open device in the address: Back returns to the list, the address alone opens it', async () => {
    const { page } = e;
    const dev = simDevice(e, 'tasmota', 5, 'url-');
    await dev.start();
    const row = deviceRow(page, dev.clientId);
    await row.waitFor(T);
    await row.click();
    await page.getByTestId('device-page').waitFor(T);
    expect(new URL(page.url()).hash).toBe(`#fleet/${encodeURIComponent(dev.clientId)}`);

    await page.goBack();
    await row.waitFor(T);
    expect(new URL(page.url()).hash).toBe('#fleet');
    expect(await page.getByTestId('device-page').count()).toBe(0);

    await page.goto(`${e.host.url}#fleet/${encodeURIComponent(dev.clientId)}`);
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent(), T).toBe(dev.clientId);
    await page.getByRole('button', { name: '← All devices' }).click();
    await row.waitFor(T);
    expect(new URL(page.url()).hash).toBe('#fleet');
    expect(e.pageErrors).toEqual([]);
  });

  it('opens the device of an alert when its notification is clicked', async () => {
    const { page } = e;
    await page.evaluate(() => {
      const w = window as unknown as { __notes: Notification[]; Notification: typeof Notification };
      w.__notes = [];
      const Base = w.Notification;
      w.Notification = class extends Base {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          w.__notes.push(this);
        }
      };
    });
    const dev = simDevice(e, 'tasmota', 6, 'note-');
    await dev.start();
    await expect.poll(() => deviceRow(page, dev.clientId).getByTestId('status').textContent(), T).toBe('online');
    dev.die('reset');
    const title = `${dev.profile.name} offline`;
    await expect.poll(() => page.evaluate((t) => (window as unknown as { __notes: Notification[] }).__notes.findIndex((n) => n.title === t), title), T).toBeGreaterThanOrEqual(0);
    await page.evaluate((t) => {
      const n = (window as unknown as { __notes: Notification[] }).__notes.find((x) => x.title === t);
      n?.onclick?.(new Event('click'));
    }, title);
    await page.getByTestId('device-page').waitFor(T);
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe(dev.clientId);
    expect(e.pageErrors).toEqual([]);
  });

  it('says when no device matches the filter, and shows them all again in one click', async () => {
    const { page } = e;
    await page.goto(`${e.host.url}#fleet`); // the previous test left a device page open
    const filter = page.getByTestId('fleet-filter');
    await filter.fill('no-such-device-zzz');
    const none = page.getByTestId('fleet-no-match');
    await none.waitFor(T);
    expect(await none.textContent()).toMatch(/^\s*No device matches the filter\./);
    await none.getByRole('button', { name: /^Show all \d+ devices$/ }).click();
    await page.getByRole('grid', { name: 'Fleet devices' }).waitFor(T);
    expect(await filter.inputValue()).toBe('');
    expect(e.pageErrors).toEqual([]);
  });
});
