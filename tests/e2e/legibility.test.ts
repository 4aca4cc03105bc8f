/**
 * End to end: text that clips its overflow (the fleet grid's id cell, the topic tree's inline
 * value) still shows every glyph. Tasmota's client ids are `DVES_XXXXXX`: with a line box as
 * tall as the font, the underscore's ink fell below the clip and `DVES_000004` read as
 * `DVES 000004`. Proven on pixels: the cell is photographed, its underscores are replaced by
 * spaces in place, and the two pictures must differ.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { startHost, type RunningHost } from '../support/host.js';

let host: RunningHost;
let browser: Browser;
let page: Page;
let client: MqttClient;
const pageErrors: string[] = [];
const T = { timeout: 20_000 };

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  client = await mqtt.connectAsync(`mqtt://127.0.0.1:${host.mqttPort}`, { clientId: 'DVES_00C0DE', protocolVersion: 4, reconnectPeriod: 0 });
  await client.publishAsync('legible/state', 'still_alive_here', { retain: true });
}, 90_000);

afterAll(async () => {
  await client?.endAsync().catch(() => undefined);
  await browser?.close();
  await host?.stop();
});

/** true when the underscores in `cell` change what is painted */
async function underscoresShow(cell: Locator): Promise<boolean> {
  const before = await cell.screenshot({ animations: 'disabled' });
  await cell.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) n.nodeValue = (n.nodeValue ?? '').replaceAll('_', ' ');
  });
  const after = await cell.screenshot({ animations: 'disabled' });
  return !before.equals(after);
}

describe('legibility of clipped text', () => {
  it('shows the underscore of a Tasmota client id in the fleet grid', async () => {
    await page.goto(`${host.url}#fleet`);
    const cell = page.locator('[data-device-id="DVES_00C0DE"] [role="gridcell"]').first();
    await cell.waitFor(T);
    expect(await cell.textContent()).toContain('DVES_00C0DE');
    expect(await underscoresShow(cell)).toBe(true);
  });

  it('shows underscores in a topic row value in the tree', async () => {
    await page.goto(`${host.url}#topics`);
    const top = page.locator('[role="treeitem"][data-path="legible"]');
    await top.waitFor(T);
    await top.click();
    await page.keyboard.press('ArrowRight');
    const value = page.locator('[role="treeitem"][data-path="legible/state"]').getByTestId('row-value');
    await value.waitFor(T);
    expect(await value.textContent()).toContain('still_alive_here');
    expect(await underscoresShow(value)).toBe(true);
  });

  it('ran without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
