/**
 * End to end: what the topic explorer changes on the broker — clearing retained messages
 * (one topic, a subtree after a confirmation naming the count, and Undo), publishing with
 * Ctrl+Enter and saved templates — and pausing the live view.
 */

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFilters, mqttClient, retainedUnder, row, setFilter, startTopicsE2E, stopTopicsE2E, visiblePaths, type TopicsE2E } from './topics-support.js';

let e: TopicsE2E;
let dataDir: string;
const T = { timeout: 20_000 };
const damaged = '{"version":1,"templates":[{"id":"x","name":';

beforeAll(async () => {
  // The data folder starts with a damaged template library, as after a crash mid-write by
  // another program: the app must start, move it aside and say so.
  dataDir = await mkdtemp(join(tmpdir(), 'fw-topics-e2e-'));
  await writeFile(join(dataDir, 'publish-templates.json'), damaged);
  e = await startTopicsE2E({ dataDir });
});

afterAll(async () => {
  await stopTopicsE2E(e);
  await rm(dataDir, { recursive: true, force: true });
});

describe('topic explorer end to end: retained management', () => {
  it('clears a whole subtree after a confirmation that names the count, and Undo restores it', async () => {
    const { page } = e;
    const dev = await mqttClient(e, 'e2e-retained');
    for (const t of ['t4/dev/a', 't4/dev/b', 't4/dev/c/d', 't4/keep']) await dev.publishAsync(t, `v-${t}`, { qos: 1, retain: true });
    expect(Object.keys(await retainedUnder(e, 't4')).sort()).toEqual(['t4/dev/a', 't4/dev/b', 't4/dev/c/d', 't4/keep']);

    await setFilter(page, 'text', 't4/dev');
    await expect.poll(() => row(page, 't4/dev/c/d').count(), T).toBe(1);
    await row(page, 't4/dev').click();
    await page.getByTestId('clear-subtree').click();
    await expect.poll(() => page.getByTestId('clear-count').textContent(), T).toBe('Clear 3 retained topics under t4/dev (itself included)?');
    await page.getByTestId('clear-confirm').click();
    await expect.poll(() => page.getByTestId('undo-toast').textContent(), T).toContain('Cleared 3 retained topics.');

    expect(await retainedUnder(e, 't4')).toEqual({ 't4/keep': 'v-t4/keep' });
    await expect.poll(() => row(page, 't4/dev/a').getAttribute('aria-label'), T).not.toContain('retained');

    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('undo-toast').textContent(), T).toContain('Restored 3 retained topics.');
    expect(await retainedUnder(e, 't4/dev')).toEqual({ 't4/dev/a': 'v-t4/dev/a', 't4/dev/b': 'v-t4/dev/b', 't4/dev/c/d': 'v-t4/dev/c/d' });
    await expect.poll(() => row(page, 't4/dev/a').getAttribute('aria-label'), T).toContain('retained');
    expect(await page.getByTestId('undo').count()).toBe(0);
  });

  it('clears the retained message of one topic from its detail', async () => {
    const { page } = e;
    await setFilter(page, 'text', 't4/keep');
    await row(page, 't4/keep').click();
    await expect.poll(() => page.getByTestId('detail-retained').textContent(), T).toMatch(/by e2e-retained/);
    await page.getByTestId('clear-retained').click();
    await expect.poll(() => page.getByTestId('clear-count').textContent(), T).toBe('Clear 1 retained topic on t4/keep?');
    await page.getByTestId('clear-confirm').click();
    await expect.poll(() => page.getByTestId('detail-retained').textContent(), T).toBe('Not retained.');
    expect(await retainedUnder(e, 't4/keep')).toEqual({});
    await clearFilters(page);
  });
});

describe('topic explorer end to end: publish', () => {
  it('reports a damaged template library that was moved aside, and keeps the damaged file', async () => {
    const { page } = e;
    await expect.poll(() => page.getByTestId('templates-problem').textContent(), T).toMatch(/unreadable .*moved to .*publish-templates\.json\.bad-/);
    const aside = (await readdir(dataDir)).filter((f) => f.startsWith('publish-templates.json.bad-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dataDir, aside[0]!), 'utf8')).toBe(damaged);
  });

  it('publishes with Ctrl+Enter to real subscribers, and the message shows in the tree', async () => {
    const { page } = e;
    const sub = await mqttClient(e, 'e2e-lamp');
    const got: string[] = [];
    sub.on('message', (topic, payload) => got.push(`${topic}=${payload.toString()}`));
    await sub.subscribeAsync('t5/#', { qos: 1 });

    await page.getByTestId('publish-topic').fill('t5/cmnd/POWER');
    await page.getByTestId('publish-payload').fill('ON');
    await page.getByTestId('publish-qos').selectOption('1');
    await page.getByTestId('publish-retain').check();
    await page.getByTestId('publish-payload').press('Control+Enter');

    await expect.poll(() => got, T).toEqual(['t5/cmnd/POWER=ON']);
    await expect.poll(() => page.getByTestId('publish-status').textContent(), T).toBe('Published to t5/cmnd/POWER');
    expect(await retainedUnder(e, 't5')).toEqual({ 't5/cmnd/POWER': 'ON' });
    await setFilter(page, 'text', 't5/cmnd/POWER');
    await row(page, 't5/cmnd/POWER').click();
    await expect.poll(() => page.getByTestId('detail-publisher').textContent(), T).toBe('$inline');
    await clearFilters(page);
  });

  it('saves publish templates in the data folder and keeps them across a reload', async () => {
    const { page } = e;
    await page.getByTestId('publish-topic').fill('t5/cmnd/POWER');
    await page.getByTestId('publish-payload').fill('TOGGLE');
    await page.getByTestId('template-name').fill('Toggle lamp');
    await page.getByTestId('template-save').click();
    await expect.poll(() => page.getByTestId('templates').textContent(), T).toContain('Toggle lamp');
    const file = JSON.parse(await readFile(join(e.host.dataDir, 'publish-templates.json'), 'utf8')) as { templates: { name: string; payload: string }[] };
    expect(file.templates).toMatchObject([{ name: 'Toggle lamp', payload: 'TOGGLE' }]);

    await page.reload();
    await page.getByRole('tree', { name: 'Topics' }).waitFor();
    await expect.poll(() => page.getByTestId('templates').textContent(), T).toContain('Toggle lamp');
    await page.getByRole('button', { name: 'Toggle lamp', exact: true }).click();
    expect(await page.getByTestId('publish-payload').inputValue()).toBe('TOGGLE');
    expect(await page.getByTestId('publish-topic').inputValue()).toBe('t5/cmnd/POWER');
  });
});

describe('topic explorer end to end: pause', () => {
  it('freezes the tree while paused, shows how full the buffer is, and catches up on resume', async () => {
    const { page } = e;
    const dev = await mqttClient(e, 'e2e-pause');
    await page.getByTestId('pause').click();
    await expect.poll(() => page.getByTestId('pause-banner').isVisible(), T).toBe(true);
    for (let i = 0; i < 5; i++) await dev.publishAsync(`t6/x${i % 2}`, `p${i}`, { qos: 1 });
    // The broker's own $SYS messages arrive too, so the figures are at least ours.
    const figures = async () => {
      const m = /([\d,]+) messages since,\s+([\d,]+) of 20,000 changed topics buffered/.exec((await page.getByTestId('pause-banner').textContent()) ?? '');
      return m ? [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))] : [0, 0];
    };
    await expect.poll(async () => (await figures())[0]! >= 5 && (await figures())[1]! >= 2, T).toBe(true);
    expect(await row(page, 't6').count()).toBe(0);
    const buffered = (await figures())[1]!;
    await expect.poll(async () => Number(await page.getByTestId('pause-buffer').getAttribute('value')), T).toBeGreaterThanOrEqual(2 / 20_000);
    expect(buffered).toBeLessThan(100);

    await page.getByTestId('pause').click();
    await expect.poll(() => row(page, 't6').getByTestId('row-counts').textContent(), T).toBe('2 topics · 5 msgs');
    expect(await page.getByTestId('pause-banner').count()).toBe(0);
    expect(await visiblePaths(page)).toContain('t6');
  });

  it('ran without script errors', () => {
    expect(e.pageErrors).toEqual([]);
  });
});
