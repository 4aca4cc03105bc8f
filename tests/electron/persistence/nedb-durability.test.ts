import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNedbPersistence, type NedbPersistence, type NedbPersistenceOptions } from '../../../electron/persistence/nedb-persistence.js';
import { retained } from '../../broker-core/persistence/contract.js';

let dir: string;
let open: NedbPersistence[] = [];

function persistence(options: Partial<NedbPersistenceOptions> = {}): NedbPersistence {
  const p = createNedbPersistence({ dir, ...options });
  open.push(p);
  return p;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-nedb-durable-'));
});

afterEach(async () => {
  for (const p of open) await p.close().catch(() => undefined);
  open = [];
  await rm(dir, { recursive: true, force: true });
});

const fileSize = async (name: string): Promise<number> => (await stat(join(dir, name))).size;
const lineCount = async (name: string): Promise<number> => (await readFile(join(dir, name), 'utf8')).split('\n').filter((l) => l !== '').length;

/** 10,000 retained mutations over 100 topics: each round puts every topic, then deletes every other one */
async function churn(p: NedbPersistence): Promise<void> {
  for (let round = 0; round < 67; round++) {
    const pending: Promise<void>[] = [];
    for (let t = 0; t < 100; t++) pending.push(p.putRetained(retained(`lab/${t}`, `round ${round}`.padEnd(200, '.'))));
    for (let t = 0; t < 100; t += 2) pending.push(p.deleteRetained(`lab/${t}`));
    await Promise.all(pending);
  }
}

describe('nedb persistence: batching', () => {
  it('writes the mutations issued in one turn of the event loop as one batch', async () => {
    const p = persistence();
    await p.load();
    const before = p.stats().batches;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 1000; i++) pending.push(p.putRetained(retained(`lab/${i}`)));
    for (let i = 0; i < 1000; i += 2) pending.push(p.deleteRetained(`lab/${i}`));
    await Promise.all(pending);
    expect(p.stats().batches - before).toBe(1);
    // put+delete of the same key in one batch cancel out: only the 500 survivors reach the file
    expect(await lineCount('retained.db')).toBe(500);
  });
});

describe('nedb persistence: compaction keeps files bounded', () => {
  it('leaves a file far smaller after 10,000 retained put/delete mutations than without compaction', async () => {
    const compacting = persistence();
    await compacting.load();
    await churn(compacting);
    const compacted = await fileSize('retained.db');
    expect(compacting.stats().compactions).toBeGreaterThan(0);
    // bound: at most twice the live records (50) plus compactMinChurn (1000) lines, plus one batch (150)
    expect(await lineCount('retained.db')).toBeLessThanOrEqual(2 * 50 + 1000 + 150);
    await compacting.close();

    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    const never = persistence({ compactMinChurn: Number.POSITIVE_INFINITY, compactEveryMs: 0 });
    await never.load();
    await churn(never);
    const uncompacted = await fileSize('retained.db');

    expect(compacted * 5).toBeLessThan(uncompacted);
  });

  it('really frees the space of deleted retained messages', async () => {
    const p = persistence();
    await p.load();
    await Promise.all(Array.from({ length: 1000 }, (_, i) => p.putRetained(retained(`lab/${i}`, 'x'.repeat(1024)))));
    expect(await fileSize('retained.db')).toBeGreaterThan(1000 * 1024);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => p.deleteRetained(`lab/${i}`)));
    // 2000 appended lines against 0 live records: the churn rule rewrites the file after the batch
    await vi.waitFor(async () => expect(await fileSize('retained.db')).toBe(0), { timeout: 20_000, interval: 20 });
    expect((await p.load()).retained).toEqual([]);
  });

  it('compacts on its schedule a store whose churn is below the churn threshold', async () => {
    const p = persistence({ compactEveryMs: 50, compactMinChurn: Number.POSITIVE_INFINITY });
    await p.load();
    for (let i = 0; i < 10; i++) await p.putRetained(retained('lab/one', `v${i}`));
    expect(await lineCount('retained.db')).toBe(19);
    await vi.waitFor(() => expect(p.stats().compactions).toBeGreaterThan(0), { timeout: 20_000, interval: 20 });
    expect(await lineCount('retained.db')).toBe(1);
  });

  it('compacts a file found full of stale lines at startup, in the background after load()', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ _id: (i + 1).toString(36), topicName: 'lab/one', payload: Buffer.from(`v${i}`).toString('base64'), qos: 1, storedAt: i, publisherId: '' }));
    await writeFile(join(dir, 'retained.db'), `${lines.join('\n')}\n`);
    const p = persistence({ compactEveryMs: 0 });
    const state = await p.load();
    expect(state.retained.map((r) => new TextDecoder().decode(r.payload))).toEqual(['v2999']);
    await vi.waitFor(async () => expect(await lineCount('retained.db')).toBe(1), { timeout: 20_000, interval: 20 });
  });

  it('does not glue a new line onto a last line that lacks its newline', async () => {
    await writeFile(join(dir, 'retained.db'), JSON.stringify({ _id: '1', topicName: 'lab/a', payload: 'YQ==', qos: 1, storedAt: 1, publisherId: '' }));
    const p = persistence();
    await p.load();
    await p.putRetained(retained('lab/b'));
    const again = persistence();
    const state = await again.load();
    expect(state.problems).toEqual([]);
    expect(state.retained.map((r) => r.topicName).sort()).toEqual(['lab/a', 'lab/b']);
  });

  it('compacts on close, so the next start reads only live records', async () => {
    const p = persistence({ compactEveryMs: 0 });
    await p.load();
    for (let i = 0; i < 10; i++) await p.putRetained(retained('lab/one', `v${i}`));
    await p.close();
    expect(await lineCount('retained.db')).toBe(1);
  });
});

describe('nedb persistence: write failures', () => {
  it('rejects the promises of a batch that could not be written and catches up once the disk works again', async () => {
    const p = persistence({ retryAfterMs: 20 });
    await p.load();
    await p.putRetained(retained('lab/before'));
    // make the data file unwritable: a directory where the file should be
    await rm(join(dir, 'retained.db'));
    await mkdir(join(dir, 'retained.db'));
    await expect(p.putRetained(retained('lab/during'))).rejects.toThrow();
    expect(p.stats().failures).toBeGreaterThan(0);
    await rm(join(dir, 'retained.db'), { recursive: true });
    // the store is rewritten from memory first: nothing written before the failure is lost
    await p.putRetained(retained('lab/after'));
    await p.close();
    const state = await persistence().load();
    expect(state.retained.map((r) => r.topicName).sort()).toEqual(['lab/after', 'lab/before', 'lab/during']);
  });
});

/** what the parent knows about one key: a put or delete acknowledged, a delete issued */
interface KeyLog {
  put: boolean;
  deleteIssued: boolean;
  deleteAcked: boolean;
}

type Logs = Map<string, KeyLog>;

/** hot key → the highest value whose put was acknowledged */
type HotAcks = Map<string, number>;

/** Runs the crash writer until it has acknowledged `acks` mutations, then SIGKILLs it 0–20 ms later (a random moment of its work). */
async function writeThenKill(start: number, acks: number, logs: Logs, hot: HotAcks): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/crash-writer.ts'), dir, String(start)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let count = 0;
  let highest = start;
  const kill = (): void => void setTimeout(() => child.kill('SIGKILL'), Math.random() * 20);
  for await (const line of createInterface({ input: child.stdout })) {
    const words = line.split(' ');
    if (words[0] === 'hot') {
      const value = Number(words[2]);
      hot.set(`h/${words[1]}`, Math.max(value, hot.get(`h/${words[1]}`) ?? 0));
      if (++count === acks) kill();
      continue;
    }
    const issue = words[0] === 'issue';
    const [op, kind, n] = issue ? words.slice(1) : words;
    if (op !== 'put' && op !== 'del') continue;
    highest = Math.max(highest, Number(n));
    const key = `${kind}/${n}`;
    const log = logs.get(key) ?? { put: false, deleteIssued: false, deleteAcked: false };
    logs.set(key, log);
    if (issue) log.deleteIssued = true;
    else if (op === 'put') log.put = true;
    else log.deleteAcked = true;
    if (!issue && ++count === acks) kill();
  }
  expect(await exited).toBe('SIGKILL');
  return highest;
}

describe('nedb persistence: SIGKILL', () => {
  it('keeps every acknowledged put and never brings back an acknowledged delete after kill -9, round after round', async () => {
    const logs: Logs = new Map();
    const hot: HotAcks = new Map();
    /** keys whose state was settled by an earlier round (nothing touches a key again) */
    const settled = new Map<string, boolean>();
    let start = 0;
    let checked = 0;
    for (let round = 0; round < 6; round++) {
      start = (await writeThenKill(start, 2000 + round * 900, logs, hot)) + 10;
      const p = persistence({ compactEveryMs: 0 });
      const state = await p.load();
      await p.close();
      expect(state.problems).toEqual([]);
      const present = new Set([...state.retained.map((r) => r.topicName), ...state.outbound.map((o) => `o/${o.seq}`)]);
      const values = new Map(state.retained.map((r) => [r.topicName, new TextDecoder().decode(r.payload)]));
      for (const [topic, value] of values) if (topic.startsWith('r/')) expect(value).toBe(`v${topic.slice(2)}`.repeat(20));
      // a replaced key holds its last acknowledged value or a newer one, never an older one or nothing
      for (const [topic, value] of hot) expect(Number(values.get(topic)), topic).toBeGreaterThanOrEqual(value);
      for (const [key, log] of logs) {
        const now = present.has(key);
        if (settled.has(key)) expect(now, `${key} changed although nothing touched it`).toBe(settled.get(key));
        else if (log.deleteAcked) expect(now, `${key} came back after an acknowledged delete`).toBe(false);
        else if (log.put && !log.deleteIssued) expect(now, `${key} lost after an acknowledged put`).toBe(true);
        // a put acknowledged and a delete issued but not acknowledged: either state is right
        settled.set(key, now);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
  }, 180_000);
});

describe('nedb persistence: acknowledged messages are deleted lazily', () => {
  const queued = async (p: NedbPersistence, count: number): Promise<void> => {
    await p.putSession({ clientId: 'c', subscriptions: [], createdAt: 1, lastSeen: 1 });
    await Promise.all(Array.from({ length: count }, (_, i) => p.putOutbound({ clientId: 'c', seq: i + 1, state: 'queued', topicName: 't', payload: new Uint8Array(1), qos: 1, retain: false })));
  };

  it('appends deleteOutboundMany with the next batch that something waits for, as one append', async () => {
    const p = persistence({ lazyWriteMs: 60_000, compactEveryMs: 0 });
    await p.load();
    await queued(p, 30);
    const before = p.stats().batches;
    const deleted: Promise<void>[] = [];
    for (let i = 0; i < 3; i++) {
      deleted.push(p.deleteOutboundMany('c', [3 * i + 1, 3 * i + 2, 3 * i + 3]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // nothing waits for them yet: still in the file
    expect(await lineCount('outbound.db')).toBe(30);
    expect(p.stats().batches).toBe(before);
    await p.putRetained(retained('lab/urgent'));
    await Promise.all(deleted);
    expect(p.stats().batches - before).toBe(1);
    expect(await lineCount('outbound.db')).toBe(30 + 9);
  });

  it('appends them on its own once lazyWriteMs has passed, and on flush()', async () => {
    const p = persistence({ compactEveryMs: 0 });
    await p.load();
    await queued(p, 10);
    const first = p.deleteOutboundMany('c', [1, 2]);
    await vi.waitFor(async () => expect(await lineCount('outbound.db')).toBe(12), { timeout: 20_000, interval: 5 });
    await first;
    const lazy = persistence({ lazyWriteMs: 60_000, compactEveryMs: 0 });
    await p.close();
    await lazy.load();
    void lazy.deleteOutboundMany('c', [3]);
    await lazy.flush();
    // close() compacted the file to its 8 live records; the flush appended one deletion marker
    expect(await lineCount('outbound.db')).toBe(9);
    expect((await lazy.load()).outbound.map((o) => o.seq)).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('nedb persistence: appends through a handle kept open', () => {
  it('appends to the new file after a compaction renamed it over the old one', async () => {
    const p = persistence({ compactEveryMs: 0 });
    await p.load();
    await p.putRetained(retained('lab/a', 'one'));
    await p.putRetained(retained('lab/a', 'two'));
    await p.compact();
    await p.putRetained(retained('lab/b'));
    expect(await lineCount('retained.db')).toBe(2);
    await p.close();
    const state = await persistence().load();
    expect(state.retained.map((r) => r.topicName).sort()).toEqual(['lab/a', 'lab/b']);
  });

  it('writes to whatever is at the path now, never into a file removed under it', async () => {
    const p = persistence({ compactEveryMs: 0 });
    await p.load();
    await p.putRetained(retained('lab/before'));
    await rm(join(dir, 'retained.db'));
    await p.putRetained(retained('lab/after'));
    // as with an open per append: the new line is in a new file at the path
    expect((await readFile(join(dir, 'retained.db'), 'utf8')).split('\n').filter((l) => l !== '')).toHaveLength(1);
  });
});
