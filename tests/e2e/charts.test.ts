/**
 * End to end: telemetry charts in Chromium, served by `fleetwatch serve`, fed by a real MQTT
 * client publishing Tasmota-like SENSOR telemetry. A value is charted by clicking it in the
 * topic explorer's detail pane; the chart's data is read back from its data table (what a
 * screen-reader user gets) and its CSV/PNG exports; the host is restarted on the same data
 * folder to prove the history survives.
 */

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { device, openTopic, panel, restartHost, startChartsE2E, statusOf, stopChartsE2E, tableValues, tasmotaSensor, type ChartsE2E } from './charts-support.js';

let e: ChartsE2E;
const T = { timeout: 20_000 };
const KEY = JSON.stringify(['tele/lab-07/SENSOR', 'AM2301', 'Temperature']);
const HUM_KEY = JSON.stringify(['tele/lab-07/SENSOR', 'AM2301', 'Humidity']);
const TOPIC = 'tele/lab-07/SENSOR';
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  e = await startChartsE2E();
  await e.page.goto(`${e.host.url}#topics`);
});

afterAll(async () => {
  await stopChartsE2E(e);
});

describe('telemetry charts end to end', () => {
  it('adds a numeric JSON field to a chart by clicking it in the topic detail pane', async () => {
    const dev = await device(e, 'tasmota-lab-07');
    await dev.publishAsync(TOPIC, tasmotaSensor(20), { qos: 1 });
    const { page } = e;
    await openTopic(page, TOPIC);
    const picker = page.getByTestId('add-to-chart');
    await expect.poll(() => picker.locator('li').evaluateAll((els) => els.map((el) => el.getAttribute('data-path'))), T).toEqual([
      'AM2301.Temperature',
      'AM2301.Humidity',
      'AM2301.DewPoint',
    ]);
    await page.getByRole('button', { name: 'Chart AM2301.Temperature' }).click();
    await expect.poll(() => page.getByTestId('add-to-chart-status').textContent(), T).toMatch(/^Added AM2301\.Temperature to “tele\/lab-07\/SENSOR › AM2301\.Temperature” on Dashboard\./);
    // The picker now targets that chart: a second field joins it as a second series.
    expect(await page.getByTestId('chart-target').locator('option:checked').textContent()).toBe('tele/lab-07/SENSOR › AM2301.Temperature');
    await page.getByRole('button', { name: 'Chart AM2301.Humidity' }).click();
    await expect.poll(() => page.getByTestId('add-to-chart-status').textContent(), T).toMatch(/^Added AM2301\.Humidity to “tele\/lab-07\/SENSOR › AM2301\.Temperature”/);

    await page.getByRole('link', { name: 'Open Charts' }).click();
    const p = panel(page);
    await expect.poll(() => p.locator('h3').textContent(), T).toBe('tele/lab-07/SENSOR › AM2301.Temperature');
    expect(await p.locator('.series .topic').allTextContents()).toEqual(['tele/lab-07/SENSOR › AM2301.Temperature', 'tele/lab-07/SENSOR › AM2301.Humidity']);
    await page.getByTestId('window-15m').click();
    await expect.poll(() => page.getByTestId('window-15m').getAttribute('aria-pressed'), T).toBe('true');
    await expect.poll(async () => (await statusOf(p)).loadMs !== null, T).toBe(true);
  });

  it('shows values live as the device publishes them, read back from the chart’s data table', async () => {
    const { page } = e;
    const p = panel(page);
    await p.getByTestId('chart-table-toggle').click();
    const dev = e.clients[0]!;
    const sent = [20.1, 20.2, 20.3, 20.4, 20.5];
    for (const [i, t] of sent.entries()) await dev.publishAsync(TOPIC, tasmotaSensor(t, 41 + i), { qos: 1 });
    // Recording starts when the value is charted: the 20 published before is not in it.
    await expect.poll(() => tableValues(p, KEY), T).toEqual(sent);
    await expect.poll(() => tableValues(p, HUM_KEY), T).toEqual([41, 42, 43, 44, 45]);
    await expect.poll(async () => (await statusOf(p)).drawn, T).toBe(10);
    const status = await statusOf(p);
    expect(status.values).toBe(10);
    expect(status.text).toMatch(/· live/);
  });

  it('shades the time the device was offline and lists the gap with its reason', async () => {
    const { page } = e;
    const p = panel(page);
    // The socket dies without DISCONNECT: the broker sees a lost connection.
    e.clients.shift()!.stream.destroy();
    const gap = p.getByTestId('gap-period');
    await expect.poll(() => gap.count(), T).toBe(1);
    expect(await gap.getAttribute('data-kind')).toBe('offline');
    expect(await gap.getAttribute('data-client')).toBe('tasmota-lab-07');
    expect(await gap.textContent()).toMatch(/offline from .* until now \(connection-lost\)/);
    await device(e, 'tasmota-lab-07');
    await expect.poll(() => gap.getAttribute('data-end'), T).not.toBe('');
    expect(Number(await gap.getAttribute('data-end'))).toBeGreaterThanOrEqual(Number(await gap.getAttribute('data-start')));
  });

  it('exports the chart’s data as CSV and the chart as PNG', async () => {
    const { page } = e;
    const p = panel(page);
    const [csv] = await Promise.all([page.waitForEvent('download'), p.getByTestId('chart-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^tele_lab-07_SENSOR_AM2301\.Temperature-.*\.csv$/);
    const text = await readFile((await csv.path())!, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('series,topic,path,time,time_ms,value,min,max,count');
    const all = lines.slice(1).map((l) => l.split(','));
    const rows = all.filter((r) => r[2] === 'AM2301.Temperature');
    expect(rows.map((r) => Number(r[5]))).toEqual([20.1, 20.2, 20.3, 20.4, 20.5]);
    expect(all.filter((r) => r[2] === 'AM2301.Humidity').map((r) => Number(r[5]))).toEqual([41, 42, 43, 44, 45]);
    expect(rows[0]!.slice(0, 3)).toEqual(['tele/lab-07/SENSOR › AM2301.Temperature', 'tele/lab-07/SENSOR', 'AM2301.Temperature']);
    expect(new Date(rows[0]![3]!).getTime()).toBe(Number(rows[0]![4]));

    const [png] = await Promise.all([page.waitForEvent('download'), p.getByTestId('chart-png').click()]);
    const bytes = await readFile((await png.path())!);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // IHDR: width and height of the exported chart
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(300);
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(150);

    // A screenshot zoomed in on the last minute or so, where the values and the offline band are.
    for (let i = 0; i < 6; i++) await p.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(async () => (await statusOf(p)).text, T).toMatch(/^10 values in view \(raw values\).* paused \(zoomed\)/);
    const shots = process.env['FLEETWATCH_E2E_SHOTS'] ?? join(e.dataDir, 'shots');
    await mkdir(shots, { recursive: true });
    const shot = join(shots, 'charts-zoomed.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await readFile(shot)).length).toBeGreaterThan(10_000);
    await p.getByTestId('chart-live').click();
  });

  it('zooms (pausing the live view) and goes back to live', async () => {
    const { page } = e;
    const p = panel(page);
    await p.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(async () => (await statusOf(p)).text, T).toMatch(/paused \(zoomed\)/);
    await p.getByTestId('chart-live').click();
    await expect.poll(async () => (await statusOf(p)).text, T).toMatch(/· live/);
    expect(await p.getByTestId('chart-live').count()).toBe(0);
  });

  it('puts several charts on the saved dashboard and removes them again', async () => {
    const { page } = e;
    await page.getByLabel('New chart title').fill('Second chart');
    await page.getByTestId('add-chart').click();
    await expect.poll(() => page.getByTestId('chart-panel').count(), T).toBe(2);
    const second = panel(page, 1);
    expect(await second.locator('h3').textContent()).toBe('Second chart');
    expect(await second.locator('.empty').textContent()).toMatch(/No values on this chart yet/);
    // saved: a reload shows it
    await page.reload();
    await expect.poll(() => page.getByTestId('chart-panel').count(), T).toBe(2);
    await panel(page, 1).getByTestId('chart-remove').click();
    await expect.poll(() => page.getByTestId('chart-panel').count(), T).toBe(1);
    await panel(page).getByTestId('chart-table-toggle').click();
  });

  it('keeps the dashboard and the recorded history across a restart, and marks the restart', async () => {
    const dev = e.clients[0]!;
    // Raw history keeps at most one value per second; values more than a second apart are all kept.
    const spaced = [30.1, 30.2, 30.3];
    for (const t of spaced) {
      await pause(1_100);
      await dev.publishAsync(TOPIC, tasmotaSensor(t), { qos: 1 });
    }
    await expect.poll(async () => (await tableValues(panel(e.page), KEY)).slice(-3), T).toEqual(spaced);

    const oldPort = e.host.port;
    await restartHost(e);
    const { page } = e;
    await page.goto(`${e.host.url}#charts`);
    const p = panel(page);
    await expect.poll(() => p.locator('h3').textContent(), T).toBe('tele/lab-07/SENSOR › AM2301.Temperature');
    expect(await page.getByTestId('window-15m').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await statusOf(p)).loadMs !== null, T).toBe(true);
    await p.getByTestId('chart-table-toggle').click();
    const before = await tableValues(p, KEY);
    // 20.1 to 20.5 came within about a second: raw history kept the first and at most one value
    // per second after it (all five are in the 1-minute bucket)
    expect(before[0]).toBe(20.1);
    expect(before.slice(-3)).toEqual(spaced);
    expect(before.slice(1, -3).every((v) => [20.2, 20.3, 20.4, 20.5].includes(v))).toBe(true);
    const restart = p.getByTestId('gap-restart');
    await expect.poll(() => restart.count(), T).toBeGreaterThanOrEqual(1);
    expect(await restart.last().getAttribute('data-down-since')).not.toBe('');

    // Recording goes on after the restart.
    const again = await device(e, 'tasmota-lab-07');
    await again.publishAsync(TOPIC, tasmotaSensor(31.5), { qos: 1 });
    await expect.poll(async () => (await tableValues(p, KEY)).at(-1), T).toBe(31.5);
    // (the page tried to reconnect to the stopped host until it was reloaded: not an error of ours)
    expect(e.pageErrors.filter((m) => !m.includes(`127.0.0.1:${oldPort}/bridge`))).toEqual([]);
  });

  it('draws at most one point per pixel of width per line however many values arrive (decimation)', { timeout: 120_000 }, async () => {
    const { page } = e;
    const p = panel(page);
    const dev = e.clients.at(-1)!;
    const before = (await statusOf(p)).values;
    // 2,000 values in chunks, each chunk seen by the chart before the next is sent
    for (let chunk = 1; chunk <= 10; chunk++) {
      for (let i = 0; i < 200; i++) await dev.publishAsync(TOPIC, tasmotaSensor(25 + Math.sin((chunk * 200 + i) / 50) * 3), { qos: i === 199 ? 1 : 0 });
      await expect.poll(async () => (await statusOf(p)).values, T).toBeGreaterThanOrEqual(before + chunk * 200);
    }
    const s = await statusOf(p);
    expect(s.width).toBeGreaterThan(100);
    expect(s.values).toBeGreaterThan(s.width);
    expect(s.drawnMax).toBeGreaterThan(s.width / 2);
    expect(s.drawnMax).toBeLessThanOrEqual(s.width);
  });
});
