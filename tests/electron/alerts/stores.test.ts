import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertDto } from '../../../electron/contract/alerts.js';
import { AlertStore } from '../../../electron/services/alerts/alert-store.js';
import { OutageLog } from '../../../electron/services/alerts/outage-log.js';
import { csvCell, outagesCsv } from '../../../electron/services/alerts/csv.js';
import { newId } from '../../../electron/persistence/nedb-collection.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fw-alerts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function alert(at: number, title = `alert ${at}`): AlertDto {
  return { id: newId(at), kind: 'offline', title, body: 'b', deviceIds: ['d1'], topicName: null, group: null, reason: 'connection-lost', at, since: at, acknowledged: false, acknowledgedAt: null };
}

describe('alert history (nedb)', () => {
  it('persists alerts and acknowledgements across reopen', async () => {
    let store = await AlertStore.open(dir);
    const a = alert(1000);
    const b = alert(2000);
    await store.add(a);
    await store.add(b);
    expect(await store.acknowledge([a.id], 3000)).toEqual([a.id]);
    await store.close();
    store = await AlertStore.open(dir);
    const list = store.list();
    expect(list.alerts.map((x) => [x.id, x.acknowledged, x.acknowledgedAt])).toEqual([
      [b.id, false, null],
      [a.id, true, 3000],
    ]);
    expect(list.unacknowledged).toBe(1);
    expect(await store.acknowledge(undefined, 4000)).toEqual([b.id]);
    await store.close();
  });

  it('keeps at most maxAlerts, sheds the oldest and counts them', async () => {
    const store = await AlertStore.open(dir, 3);
    for (let i = 1; i <= 5; i++) await store.add(alert(i * 1000));
    const list = store.list();
    expect(list.total).toBe(3);
    expect(list.shed).toBe(2);
    expect(list.alerts.map((x) => x.at)).toEqual([5000, 4000, 3000]);
    await store.close();
    expect((await AlertStore.open(dir, 3)).list().total).toBe(3);
  });

  it('compacts the file when removals and acknowledgements pile up', async () => {
    const store = await AlertStore.open(dir, 100);
    for (let i = 1; i <= 700; i++) await store.add(alert(i));
    await store.acknowledge(undefined, 10_000);
    // without compaction the file would hold 700 inserts, 600 removals and 100 updates by now
    const live = readFileSync(join(dir, 'alerts.db'), 'utf8').split('\n').filter((l) => l !== '');
    expect(live.length).toBeLessThan(2 * 100 + 500);
    await store.close();
    const lines = readFileSync(join(dir, 'alerts.db'), 'utf8').split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(100);
    const reopened = await AlertStore.open(dir, 100);
    expect(reopened.list().unacknowledged).toBe(0);
    expect(reopened.list().total).toBe(100);
    await reopened.close();
  });

  it('moves a corrupt history aside as *.bad-<time>, recovers the readable alerts and reports it', async () => {
    const store = await AlertStore.open(dir);
    await store.add(alert(1000, 'kept 1'));
    await store.add(alert(2000, 'kept 2'));
    await store.close();
    const file = join(dir, 'alerts.db');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}{"_id":"torn","kind":"off\n`);
    const reopened = await AlertStore.open(dir);
    const list = reopened.list();
    expect(list.alerts.map((a) => a.title).sort()).toEqual(['kept 1', 'kept 2']);
    expect(list.problems).toHaveLength(1);
    expect(list.problems[0]).toMatch(/alerts\.db: 1 of 3 lines unreadable; 2 records recovered, the original file is kept as .*alerts\.db\.bad-/);
    const bad = readdirSync(dir).filter((f) => f.startsWith('alerts.db.bad-'));
    expect(bad).toHaveLength(1);
    expect(readFileSync(join(dir, bad[0]!), 'utf8')).toContain('"torn"');
    await reopened.close();
  });

  it('moves aside records of an unknown shape instead of trusting them', async () => {
    writeFileSync(join(dir, 'alerts.db'), '{"_id":"x1","hello":"world"}\n');
    const store = await AlertStore.open(dir);
    expect(store.list().total).toBe(0);
    expect(store.list().problems[0]).toMatch(/1 records of an unknown shape were removed/);
    await store.close();
  });
});

describe('outage log (nedb)', () => {
  it('records start, end, duration and reason, and survives reopen', async () => {
    let log = await OutageLog.open(dir);
    await log.start('d1', 1000, 'keepalive-timeout');
    expect(log.open('d1')).toMatchObject({ start: 1000, end: null });
    await log.end('d1', 4500);
    await log.close();
    log = await OutageLog.open(dir);
    expect(log.list('d1').items).toEqual([{ deviceId: 'd1', start: 1000, end: 4500, durationMs: 3500, reason: 'keepalive-timeout' }]);
    await log.close();
  });

  it('bounds outages per device and in total, counting what it sheds', async () => {
    const log = await OutageLog.open(dir, 2, 3);
    for (let i = 0; i < 3; i++) {
      await log.start('d1', i * 10, 'connection-lost');
      await log.end('d1', i * 10 + 5);
    }
    await log.start('d2', 100, 'connection-lost');
    await log.start('d3', 200, 'connection-lost');
    expect(log.list('d1').items.map((o) => o.start)).toEqual([20]);
    expect(log.list('d1').shed).toBe(2);
    expect(log.all()).toHaveLength(3);
    expect(log.shed).toBe(2);
    await log.close();
  });

  it('exports CSV with ISO times, seconds, quoting and formula protection', () => {
    const csv = outagesCsv(
      [
        { deviceId: 'd1', start: 0, end: 1500, durationMs: 1500, reason: 'connection-lost' },
        { deviceId: 'd2', start: 1000, end: null, durationMs: null, reason: 'keepalive-timeout' },
      ],
      (id) => (id === 'd1' ? 'plug, "kitchen"' : '=HYPERLINK("x")'),
    );
    expect(csv).toBe(
      'device_id,name,start,end,duration_s,reason\r\n' +
        'd1,"plug, ""kitchen""",1970-01-01T00:00:00.000Z,1970-01-01T00:00:01.500Z,1.500,connection-lost\r\n' +
        `d2,"'=HYPERLINK(""x"")",1970-01-01T00:00:01.000Z,,,keepalive-timeout\r\n`,
    );
    expect(csvCell('-5')).toBe("'-5");
  });
});
