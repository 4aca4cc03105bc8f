import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryService } from '../../../electron/services/history/history-service.js';
import { Clock, DAY, HOUR, MIN, T0, TEMP, TEMP_KEY, msg, openHistory, sensor, tempDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function folder(): Promise<string> {
  const { dir, remove } = await tempDir();
  cleanups.push(remove);
  return dir;
}

async function open(dir: string, clock: Clock, limits = {}, problems: string[] = []): Promise<HistoryService> {
  const h = await openHistory(dir, clock, limits, problems);
  cleanups.push(() => h.close());
  return h;
}

async function seriesFiles(dir: string): Promise<{ path: string; names: string[] }> {
  const ids = await readdir(join(dir, 'history', 'series'));
  if (ids.length !== 1) throw new Error(`expected one series folder, found ${ids.length}`);
  const path = join(dir, 'history', 'series', ids[0]!);
  return { path, names: (await readdir(path)).sort() };
}

const values = async (h: HistoryService, from: number, to: number): Promise<number[]> => (await h.history([TEMP_KEY], from, to, 20_000)).series[0]!.v;

describe('history storage', () => {
  it('keeps history across a close and reopen, open buckets included', async () => {
    const dir = await folder();
    const clock = new Clock();
    const first = await open(dir, clock);
    await first.setCharted([TEMP]);
    first.ingest(msg('tele/lab-07/SENSOR', sensor(20), T0 + 5_000));
    first.ingest(msg('tele/lab-07/SENSOR', sensor(22), T0 + 15_000));
    await first.close();

    clock.t = T0 + 30_000;
    const second = await open(dir, clock);
    await second.setCharted([TEMP]);
    // the same minute continues after the restart: its two partial buckets merge on read
    second.ingest(msg('tele/lab-07/SENSOR', sensor(30), T0 + 40_000));
    expect(await values(second, T0, T0 + MIN)).toEqual([20, 22, 30]);
    const day = (await second.history([TEMP_KEY], clock.t - DAY, clock.t, 2000)).series[0]!;
    expect(day).toMatchObject({ tier: '1m', t: [T0], min: [20], max: [30], count: [3] });
    expect(day.v[0]).toBeCloseTo(24, 9);
    expect(day.publisherId).toBe('tasmota-lab-07');
  });

  it('marks every start as a broker restart, dated from the last moment the previous run was recording', async () => {
    const dir = await folder();
    const clock = new Clock();
    const first = await open(dir, clock);
    expect(first.started).toEqual({ at: T0, downSince: null });
    clock.t = T0 + 10 * MIN;
    await first.close();
    clock.t = T0 + HOUR;
    const second = await open(dir, clock);
    expect(second.started).toEqual({ at: T0 + HOUR, downSince: T0 + 10 * MIN });
    const res = await second.history([TEMP_KEY], T0 - MIN, T0 + 2 * HOUR, 100);
    expect(res.restarts).toEqual([
      { at: T0, downSince: null },
      { at: T0 + HOUR, downSince: T0 + 10 * MIN },
    ]);
  });

  it('applies retention by tier: raw 24 h, 1-minute buckets 7 days, 15-minute buckets 90 days, then forgets the series', async () => {
    const dir = await folder();
    const clock = new Clock();
    const h = await open(dir, clock);
    await h.setCharted([TEMP]);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(21.5), T0));
    await h.flush();
    await h.setCharted([]);
    expect((await seriesFiles(dir)).names).toEqual(['15m-2026-01.bin', '1m-2026-01-10.bin', 'raw-2026-01-10.bin']);

    clock.t = T0 + DAY;
    await h.prune();
    expect((await seriesFiles(dir)).names).toHaveLength(3); // the day file still holds points younger than 24 h
    clock.t = Date.UTC(2026, 0, 12) + 1;
    await h.prune();
    expect((await seriesFiles(dir)).names).toEqual(['15m-2026-01.bin', '1m-2026-01-10.bin']);
    const threeDays = (await h.history([TEMP_KEY], clock.t - 3 * DAY, clock.t, 1000)).series[0]!;
    expect(threeDays).toMatchObject({ tier: '1m', min: [21.5], count: [1] });

    clock.t = Date.UTC(2026, 0, 18) + 1;
    await h.prune();
    expect((await seriesFiles(dir)).names).toEqual(['15m-2026-01.bin']);
    const month = (await h.history([TEMP_KEY], clock.t - 30 * DAY, clock.t, 3000)).series[0]!;
    expect(month).toMatchObject({ tier: '15m', t: [Date.UTC(2026, 0, 10, 12)], count: [1] });

    clock.t = Date.UTC(2026, 1, 1) + 90 * DAY + 1;
    await h.prune();
    expect(await readdir(join(dir, 'history', 'series'))).toEqual([]);
    expect((await h.status()).stored).toBe(0);
  });

  it('keeps the files of a series that is still charted even when retention empties them', async () => {
    const dir = await folder();
    const clock = new Clock();
    const h = await open(dir, clock);
    await h.setCharted([TEMP]);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(21.5), T0));
    await h.flush();
    clock.t = T0 + 200 * DAY;
    await h.prune();
    expect((await h.status()).stored).toBe(1);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(19), clock.t));
    expect(await values(h, clock.t - MIN, clock.t + MIN)).toEqual([19]);
  });

  it('moves a history file with a foreign header aside as *.bad-<time>, reports it and goes on recording', async () => {
    const dir = await folder();
    const clock = new Clock();
    const problems: string[] = [];
    const first = await open(dir, clock);
    await first.setCharted([TEMP]);
    first.ingest(msg('tele/lab-07/SENSOR', sensor(20), T0));
    await first.close();
    const { path } = await seriesFiles(dir);
    await writeFile(join(path, 'raw-2026-01-10.bin'), 'this is not a history file at all, but text');

    const second = await open(dir, clock, {}, problems);
    await second.setCharted([TEMP]);
    expect(await values(second, T0 - MIN, T0 + MIN)).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/raw-2026-01-10\.bin was unreadable \(not a Fleetwatch history file \(bad magic\)\); it was kept as .*raw-2026-01-10\.bin\.bad-/);
    const names = (await seriesFiles(dir)).names;
    const bad = names.find((n) => n.startsWith('raw-2026-01-10.bin.bad-'));
    expect(bad).toBeDefined();
    expect(await readFile(join(path, bad!), 'utf8')).toBe('this is not a history file at all, but text');
    expect((await second.status()).problems).toEqual(problems);

    second.ingest(msg('tele/lab-07/SENSOR', sensor(25), T0 + 10_000));
    await second.flush();
    expect(await values(second, T0 - MIN, T0 + MIN)).toEqual([25]);
  });

  it('keeps the valid records of a file damaged in the middle and the damaged original aside', async () => {
    const dir = await folder();
    const clock = new Clock();
    const problems: string[] = [];
    const first = await open(dir, clock);
    await first.setCharted([TEMP]);
    for (let i = 0; i < 5; i++) first.ingest(msg('tele/lab-07/SENSOR', sensor(20 + i), T0 + i * 2_000));
    await first.close();
    const { path } = await seriesFiles(dir);
    const file = join(path, 'raw-2026-01-10.bin');
    const buf = await readFile(file);
    // the third record's time becomes a date in 1970: outside the file's day
    buf.writeDoubleLE(12345, 32 + 2 * 16);
    await writeFile(file, buf);

    const second = await open(dir, clock, {}, problems);
    await second.setCharted([TEMP]);
    expect(await values(second, T0 - MIN, T0 + MIN)).toEqual([20, 21, 23, 24]);
    expect(problems[0]).toMatch(/1 of 5 records were damaged and left out; the original was kept as .*\.bad-/);
    const names = (await seriesFiles(dir)).names;
    const bad = names.find((n) => n.startsWith('raw-2026-01-10.bin.bad-'))!;
    expect((await readFile(join(path, bad))).equals(buf)).toBe(true);
    expect((await stat(file)).size).toBe(32 + 4 * 16);
  });

  it('cuts a record torn by an interrupted write and keeps appending whole records', async () => {
    const dir = await folder();
    const clock = new Clock();
    const problems: string[] = [];
    const first = await open(dir, clock);
    await first.setCharted([TEMP]);
    first.ingest(msg('tele/lab-07/SENSOR', sensor(20), T0));
    first.ingest(msg('tele/lab-07/SENSOR', sensor(21), T0 + 2_000));
    await first.close();
    const { path } = await seriesFiles(dir);
    await appendFile(join(path, 'raw-2026-01-10.bin'), Buffer.from([1, 2, 3, 4, 5, 6, 7]));

    const second = await open(dir, clock, {}, problems);
    await second.setCharted([TEMP]);
    second.ingest(msg('tele/lab-07/SENSOR', sensor(22), T0 + 4_000));
    await second.flush();
    expect(await values(second, T0 - MIN, T0 + MIN)).toEqual([20, 21, 22]);
    expect(problems.some((p) => /cut 7 bytes of a record torn by an interrupted write/.test(p))).toBe(true);
    expect((await stat(join(path, 'raw-2026-01-10.bin'))).size).toBe(32 + 3 * 16);
  });

  it('salvages a damaged series catalog (nedb) and keeps the original aside', async () => {
    const dir = await folder();
    const clock = new Clock();
    const first = await open(dir, clock);
    await first.setCharted([TEMP]);
    first.ingest(msg('tele/lab-07/SENSOR', sensor(20), T0));
    await first.close();
    await appendFile(join(dir, 'history', 'series.db'), '{"_id": garbage\n');
    const problems: string[] = [];
    const second = await open(dir, clock, {}, problems);
    expect(problems[0]).toMatch(/series\.db: 1 of 2 lines unreadable; 1 records recovered, the original file is kept as .*series\.db\.bad-/);
    await second.setCharted([TEMP]);
    expect(await values(second, T0 - MIN, T0 + MIN)).toEqual([20]);
  });

  it('holds values in a bounded queue while the disk fails, counts what it sheds, and writes the rest once it recovers', async () => {
    const dir = await folder();
    const clock = new Clock();
    const problems: string[] = [];
    const h = await open(dir, clock, { maxPendingPoints: 50, rawMinSpacingMs: 0 }, problems);
    await h.setCharted([TEMP]);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(0), T0));
    await h.flush();
    const { path } = await seriesFiles(dir);
    // A file where the series folder should be: every append fails.
    await rm(path, { recursive: true });
    await writeFile(path, 'in the way');
    for (let i = 1; i <= 100; i++) h.ingest(msg('tele/lab-07/SENSOR', sensor(i), T0 + i * 10));
    await h.flush().catch(() => undefined);
    const c = h.counters();
    expect(c.writeErrors).toBe(1);
    expect(problems[0]).toMatch(/history: file work failed/);
    // 100 raw points waited, at most 50 may: the 50 oldest were shed (the open buckets still hold all 100)
    expect(c.writeShed).toBe(50);
    await rm(path);
    await h.flush();
    // (the value written before the folder was replaced went with it)
    expect(await values(h, T0, T0 + MIN)).toEqual(Array.from({ length: 50 }, (_, i) => 51 + i));
    const minute = (await h.history([TEMP_KEY], clock.t - DAY, clock.t + MIN, 100)).series[0]!;
    expect(minute.count).toEqual([101]);
  });

  it('keeps offline periods across restarts and ends one left open at the last moment the app was recording', async () => {
    const dir = await folder();
    const clock = new Clock();
    const first = await open(dir, clock);
    await first.setCharted([TEMP]);
    first.ingest(msg('tele/lab-07/SENSOR', sensor(20), T0));
    first.clientDisconnected('tasmota-lab-07', 'keepalive-timeout', T0 + 1_000);
    first.clientConnected('tasmota-lab-07', T0 + 2_000);
    first.clientDisconnected('tasmota-lab-07', 'connection-lost', T0 + 3_000);
    // the app stopping disconnects everyone: not a device going offline
    first.clientDisconnected('tasmota-lab-07', 'server-shutdown', T0 + 4_000);
    clock.t = T0 + 5 * MIN;
    await first.close();

    clock.t = T0 + HOUR;
    const second = await open(dir, clock);
    const res = await second.history([TEMP_KEY], T0, T0 + 2 * HOUR, 100);
    expect(res.series[0]!.periods).toEqual([
      { kind: 'offline', start: T0 + 1_000, end: T0 + 2_000, reason: 'keepalive-timeout' },
      { kind: 'offline', start: T0 + 3_000, end: T0 + 5 * MIN, reason: 'connection-lost' },
    ]);
    expect(res.restarts.at(-1)).toEqual({ at: T0 + HOUR, downSince: T0 + 5 * MIN });
  });

  it('keeps at most maxPeriodsPerClient periods per client and counts the ones it shed', async () => {
    const dir = await folder();
    const clock = new Clock();
    const h = await open(dir, clock, { maxPeriodsPerClient: 3 });
    await h.setCharted([TEMP]);
    h.ingest(msg('tele/lab-07/SENSOR', sensor(20), T0));
    for (let i = 0; i < 5; i++) {
      h.clientDisconnected('tasmota-lab-07', 'connection-lost', T0 + i * 10_000);
      h.clientConnected('tasmota-lab-07', T0 + i * 10_000 + 5_000);
    }
    const list = (await h.history([TEMP_KEY], T0 - MIN, T0 + HOUR, 100)).series[0]!.periods;
    expect(list.map((p) => p.start)).toEqual([T0 + 20_000, T0 + 30_000, T0 + 40_000]);
    expect(h.counters().periodsShed).toBe(2);
  });

  it('keeps at most maxCatalog series with history: the oldest one no longer charted is deleted and reported', async () => {
    const dir = await folder();
    const clock = new Clock();
    const problems: string[] = [];
    const h = await open(dir, clock, { maxCatalog: 2 }, problems);
    const ref = (n: number) => ({ topicName: `lab/${n}`, path: [] });
    const key = (n: number) => JSON.stringify([`lab/${n}`]);
    for (const n of [1, 2, 3]) {
      clock.t += 1000;
      await h.setCharted([ref(n)]);
      h.ingest(msg(`lab/${n}`, String(n), clock.t));
      await h.flush();
    }
    expect((await h.status()).stored).toBe(2);
    expect(problems).toEqual(['history: the history of lab/1 was deleted to stay within 2 stored series']);
    expect((await h.history([key(1)], T0, clock.t + 1, 10)).series[0]!.v).toEqual([]);
    expect((await h.history([key(2)], T0, clock.t + 1, 10)).series[0]!.v).toEqual([2]);
    expect((await readdir(join(dir, 'history', 'series'))).length).toBe(2);
  });
});
