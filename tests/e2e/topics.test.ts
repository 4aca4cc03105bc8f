/**
 * End to end: the topic explorer in Chromium, served by `fleetwatch serve`, fed by real
 * MQTT clients. Asserts what the user sees: the tree, counts, keyboard navigation, ARIA,
 * the detail pane (formats, history, diff, retained info, copy) and the three filters.
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFilters, mqttClient, row, setFilter, startTopicsE2E, stopTopicsE2E, visiblePaths, type TopicsE2E } from './topics-support.js';

let e: TopicsE2E;
const T = { timeout: 20_000 };

beforeAll(async () => {
  e = await startTopicsE2E();
});

afterAll(async () => {
  await stopTopicsE2E(e);
});

describe('topic explorer end to end: tree', () => {
  it('shows published topics as a tree with per-level topic and message counts', async () => {
    const dev = await mqttClient(e, 'e2e-tree');
    for (let i = 0; i < 3; i++) await dev.publishAsync('t1/a/x', `x${i}`, { qos: 1 });
    await dev.publishAsync('t1/a/y', 'y0', { qos: 1 });
    await dev.publishAsync('t1/b', 'b0', { qos: 1 });
    await dev.publishAsync('t1/b', 'b1', { qos: 1 });

    const { page } = e;
    await expect.poll(() => row(page, 't1').getByTestId('row-counts').textContent(), T).toBe('3 topics · 6 msgs');
    const t1 = row(page, 't1');
    expect(await t1.getAttribute('aria-level')).toBe('1');
    expect(await t1.getAttribute('aria-expanded')).toBe('false');
    expect(await t1.getAttribute('aria-label')).toMatch(/^t1, 3 topics, 6 messages/);
    // Collapsed: nothing below t1 is rendered.
    expect(await row(page, 't1/a').count()).toBe(0);
  });

  it('navigates with the keyboard as an ARIA tree: ↓ ↑ → ←, with the last value inline', async () => {
    const { page } = e;
    const tree = page.getByRole('tree', { name: 'Topics' });
    await row(page, 't1').click();
    expect(await row(page, 't1').getAttribute('aria-selected')).toBe('true');
    expect(await tree.getAttribute('aria-activedescendant')).toBe(await row(page, 't1').getAttribute('id'));

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => row(page, 't1').getAttribute('aria-expanded'), T).toBe('true');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => row(page, 't1/a').getAttribute('aria-selected'), T).toBe('true');
    expect(await row(page, 't1/a').getAttribute('aria-level')).toBe('2');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => row(page, 't1/a/x').getAttribute('aria-selected'), T).toBe('true');
    expect(await row(page, 't1/a/x').getByTestId('row-value').textContent()).toBe('x2');
    expect(await row(page, 't1/a/x').getAttribute('aria-label')).toMatch(/^x, value x2, 3 messages/);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => row(page, 't1/a/y').getAttribute('aria-selected'), T).toBe('true');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => row(page, 't1/a/x').getAttribute('aria-selected'), T).toBe('true');

    // ← on a leaf goes to its parent, ← on an open parent collapses it.
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => row(page, 't1/a').getAttribute('aria-selected'), T).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => row(page, 't1/a').getAttribute('aria-expanded'), T).toBe('false');
    expect(await row(page, 't1/a/x').count()).toBe(0);
    await expect.poll(() => page.getByTestId('detail-subtree-counts').textContent(), T).toBe('2 topics, 4 messages below');
  });

  it('updates values live and highlights changed rows, unless highlighting is turned off', async () => {
    const { page } = e;
    await page.evaluate(() => {
      const w = window as unknown as { animated: string[] };
      w.animated = [];
      const original = Element.prototype.animate;
      Element.prototype.animate = function (this: Element, ...args: Parameters<Element['animate']>) {
        w.animated.push(this.getAttribute('data-path') ?? '');
        return original.apply(this, args);
      };
    });
    const dev = await mqttClient(e, 'e2e-live');
    await dev.publishAsync('t1/b', 'b2', { qos: 1 });
    await expect.poll(() => row(page, 't1/b').getByTestId('row-value').textContent(), T).toBe('b2');
    await expect.poll(() => page.evaluate(() => (window as unknown as { animated: string[] }).animated.includes('t1/b')), T).toBe(true);

    await page.getByLabel('Highlight updates').uncheck();
    await page.evaluate(() => ((window as unknown as { animated: string[] }).animated = []));
    await dev.publishAsync('t1/b', 'b3', { qos: 1 });
    await expect.poll(() => row(page, 't1/b').getByTestId('row-value').textContent(), T).toBe('b3');
    expect(await page.evaluate(() => (window as unknown as { animated: string[] }).animated)).toEqual([]);
    await page.getByLabel('Highlight updates').check();
  });
});

describe('topic explorer end to end: detail pane', () => {
  it('shows the payload as text, pretty JSON and hex, with history, diff and retained info', async () => {
    const { page } = e;
    const dev = await mqttClient(e, 'e2e-detail');
    await dev.publishAsync('t2/sensor', '{"temp":20.5,"hum":40}', { qos: 1, retain: true });
    await dev.publishAsync('t2/sensor', '{"temp":21,"hum":40}', { qos: 1, retain: true });
    await setFilter(page, 'text', 't2/sensor');
    await row(page, 't2/sensor').click();

    await expect.poll(() => page.getByTestId('detail-topic').textContent(), T).toBe('t2/sensor');
    await expect.poll(() => page.getByTestId('detail-count').textContent(), T).toBe('2');
    expect(await page.getByTestId('detail-publisher').textContent()).toBe('e2e-detail');
    expect(await page.getByTestId('detail-qos').textContent()).toBe('1');
    expect(await page.getByTestId('detail-retained').textContent()).toMatch(/Retained: stored .+ by e2e-detail/);
    expect(await page.getByTestId('payload-json').textContent()).toBe('{\n  "temp": 21,\n  "hum": 40\n}');

    await page.getByRole('button', { name: 'Hex' }).click();
    expect(await page.getByTestId('payload-hex').textContent()).toMatch(/^00000000 {2}7b 22 74 65 6d 70/);
    await page.getByRole('button', { name: 'Text' }).click();
    expect(await page.getByTestId('payload-text').textContent()).toBe('{"temp":21,"hum":40}');

    const diff = await page.getByTestId('diff').textContent();
    expect(diff).toContain('-   "temp": 20.5,');
    expect(diff).toContain('+   "temp": 21,');
    const history = page.getByTestId('history').locator('li');
    expect(await history.count()).toBe(2);
    expect(await history.first().locator('time').textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);

    await page.getByTestId('copy-topic').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('t2/sensor');
    await page.getByTestId('copy-payload').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('{"temp":21,"hum":40}');
  });

  it('marks a payload over the preview bound as truncated and loads the full retained value on demand', async () => {
    const { page } = e;
    const dev = await mqttClient(e, 'e2e-big');
    const big = 'A'.repeat(10_000);
    await dev.publishAsync('t2/big', big, { qos: 1, retain: true });
    await setFilter(page, 'text', 't2/big');
    await row(page, 't2/big').click();
    await expect.poll(() => page.getByTestId('payload-truncated').textContent(), T).toMatch(/first 4\.0 KiB of 9\.8 KiB/);
    expect((await page.getByTestId('payload-text').textContent())?.length).toBe(4096);
    await page.getByRole('button', { name: 'Load the full retained payload' }).click();
    await expect.poll(async () => (await page.getByTestId('payload-text').textContent())?.length, T).toBe(10_000);
    await clearFilters(page);
  });
});

describe('topic explorer end to end: other clients and themes', () => {
  it('shows the client id of any MQTT client, here mosquitto_pub', async () => {
    const { page } = e;
    await promisify(execFile)('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(e.host.mqttPort), '-V', 'mqttv311', '-i', 'mosq-e2e', '-q', '1', '-r', '-t', 't7/mosq', '-m', 'from mosquitto']);
    await setFilter(page, 'text', 't7/mosq');
    await row(page, 't7/mosq').click();
    await expect.poll(() => page.getByTestId('detail-publisher').textContent(), T).toBe('mosq-e2e');
    expect(await page.getByTestId('payload-text').textContent()).toBe('from mosquitto');
    await clearFilters(page);
  });

  it('follows the light and dark themes', async () => {
    const { page } = e;
    const tree = page.getByRole('tree', { name: 'Topics' });
    const colors = () => tree.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
    const before = await colors();
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    await expect.poll(colors, T).not.toEqual(before);
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    await expect.poll(colors, T).toEqual(before);
  });
});

describe('topic explorer end to end: filters', () => {
  it('filters by topic text, by MQTT filter with + and #, and by payload text', async () => {
    const { page } = e;
    const dev = await mqttClient(e, 'e2e-filter');
    await dev.publishAsync('t3/home/kitchen/temp', '21.5', { qos: 1 });
    await dev.publishAsync('t3/home/kitchen/hum', '{"state":"alarm"}', { qos: 1 });
    await dev.publishAsync('t3/home/hall/temp', '19', { qos: 1 });
    await dev.publishAsync('t3/lab/temp', 'ALARM high', { qos: 1 });
    await expect.poll(() => row(page, 't3').getByTestId('row-counts').textContent(), T).toBe('4 topics · 4 msgs');

    await setFilter(page, 'mqtt', 't3/home/+/temp');
    await expect.poll(() => visiblePaths(page), T).toEqual(['t3', 't3/home', 't3/home/hall', 't3/home/hall/temp', 't3/home/kitchen', 't3/home/kitchen/temp']);
    await setFilter(page, 'mqtt', 't3/lab/#');
    await expect.poll(() => visiblePaths(page), T).toEqual(['t3', 't3/lab', 't3/lab/temp']);
    await setFilter(page, 'mqtt', 't3/#/x');
    await expect.poll(() => page.getByRole('alert').first().textContent(), T).toMatch(/'#' must be a whole level and the last one/);
    await setFilter(page, 'mqtt', '');

    await setFilter(page, 'text', 'T3/HOME/KITCHEN/H');
    await expect.poll(() => visiblePaths(page), T).toEqual(['t3', 't3/home', 't3/home/kitchen', 't3/home/kitchen/hum']);
    await setFilter(page, 'text', 't3/');

    await setFilter(page, 'payload', 'alarm');
    await expect.poll(() => visiblePaths(page), T).toEqual(['t3', 't3/home', 't3/home/kitchen', 't3/home/kitchen/hum', 't3/lab', 't3/lab/temp']);
    // A new match appears while the payload filter is active.
    await dev.publishAsync('t3/home/hall/temp', 'alarm: cold', { qos: 1 });
    await expect.poll(async () => (await visiblePaths(page)).includes('t3/home/hall/temp'), T).toBe(true);
    await clearFilters(page);
    await expect.poll(() => page.getByTestId('topic-tree').getAttribute('data-rows'), T).not.toBe('0');
  });

  it('ran without script errors', () => {
    expect(e.pageErrors).toEqual([]);
  });
});
