import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNedbPersistence, type NedbPersistence } from '../../../electron/persistence/nedb-persistence.js';
import { outbound, session } from '../../broker-core/persistence/contract.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/persistence');

let dir: string;
let open: NedbPersistence[] = [];

function persistence(): NedbPersistence {
  const p = createNedbPersistence({ dir });
  open.push(p);
  return p;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-nedb-corrupt-'));
});

afterEach(async () => {
  for (const p of open) await p.close().catch(() => undefined);
  open = [];
  await rm(dir, { recursive: true, force: true });
});

async function loadFixture(fixture: string) {
  await copyFile(join(FIXTURES, fixture), join(dir, 'retained.db'));
  const first = persistence();
  const state = await first.load();
  await first.close();
  return state;
}

async function asideFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.includes('.bad-')).sort();
}

const topics = (state: { retained: { topicName: string }[] }): string[] => state.retained.map((r) => r.topicName).sort();

describe('nedb persistence with damaged files', () => {
  const damaged: { fixture: string; topics: string[]; unreadable: RegExp }[] = [
    { fixture: 'retained-truncated-last-line.db', topics: [1, 2, 3, 4, 5].map((i) => `lab/esp-${i}/temp`), unreadable: /1 of 6 lines unreadable/ },
    { fixture: 'retained-garbage-middle.db', topics: [1, 2, 3, 4, 5, 6].map((i) => `lab/esp-${i}/temp`), unreadable: /2 of 8 lines unreadable/ },
    { fixture: 'retained-glued-append.db', topics: [1, 2, 4, 5].map((i) => `lab/esp-${i}/temp`), unreadable: /1 of 4 lines unreadable/ },
    { fixture: 'retained-foreign-json.db', topics: [1, 2].map((i) => `lab/esp-${i}/temp`), unreadable: /2 of 4 lines unreadable/ },
    { fixture: 'retained-binary-junk.db', topics: [], unreadable: /lines unreadable.*0 records recovered/ },
  ];

  for (const c of damaged) {
    it(`starts with every readable record of ${c.fixture}, keeps the original aside and reports it`, async () => {
      const state = await loadFixture(c.fixture);
      expect(topics(state)).toEqual(c.topics);
      expect(state.problems).toHaveLength(1);
      const problem = state.problems[0]!;
      expect(problem.store).toBe('retained.db');
      expect(problem.message).toMatch(c.unreadable);
      // never silently wiped: the original bytes are kept beside the store, named with a time
      expect(problem.movedTo).toMatch(/retained\.db\.bad-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
      expect(await readFile(problem.movedTo!)).toEqual(await readFile(join(FIXTURES, c.fixture)));
      expect(await asideFiles()).toHaveLength(1);

      // the store itself is clean now: a restart reports nothing new and keeps the same records
      const again = await persistence().load();
      expect(again.problems).toEqual([]);
      expect(topics(again)).toEqual(c.topics);
      expect(await asideFiles()).toHaveLength(1);
    });
  }

  it('treats a zero-length file as an empty store, not as a problem', async () => {
    const state = await loadFixture('retained-zero-length.db');
    expect(state.retained).toEqual([]);
    expect(state.problems).toEqual([]);
    expect(await asideFiles()).toEqual([]);
  });

  it('removes records of an invalid shape, keeping the original file aside and reporting how many', async () => {
    const state = await loadFixture('retained-invalid-shape.db');
    expect(topics(state)).toEqual([1, 2, 4, 6].map((i) => `lab/esp-${i}/temp`));
    expect(state.problems).toHaveLength(1);
    expect(state.problems[0]!.message).toMatch(/2 records of an invalid shape/);
    expect(await readFile(state.problems[0]!.movedTo!)).toEqual(await readFile(join(FIXTURES, 'retained-invalid-shape.db')));
    expect((await persistence().load()).problems).toEqual([]);
  });

  it('keeps the newest version of a key left twice by a crash between two appends, without a problem', async () => {
    const state = await loadFixture('retained-crash-between-appends.db');
    expect(state.problems).toEqual([]);
    const values = new Map(state.retained.map((r) => [r.topicName, new TextDecoder().decode(r.payload)]));
    expect(values).toEqual(new Map([['lab/esp-1/temp', '21.5'], ['lab/x', 'new']]));
    // and the stale version is gone for good
    const p = persistence();
    await p.load();
    await p.deleteRetained('lab/x');
    await p.close();
    expect(topics(await persistence().load())).toEqual(['lab/esp-1/temp']);
  });

  it('reports queued messages dropped because their sessions file could not be read', async () => {
    const p = persistence();
    await p.load();
    await p.putSession(session('c1'));
    await p.putOutbound(outbound('c1', 1));
    await p.putOutbound(outbound('c1', 2));
    await p.close();
    await writeFile(join(dir, 'sessions.db'), '\u0000\u0001 not json\n');
    const state = await persistence().load();
    expect(state.sessions).toEqual([]);
    expect(state.outbound).toEqual([]);
    const stores = state.problems.map((x) => x.store);
    expect(stores).toEqual(['sessions.db', 'sessions.db']);
    expect(state.problems[1]!.message).toMatch(/2 queued\/in-flight records/);
  });

  it('handles damage in several stores at once, each reported on its own', async () => {
    await copyFile(join(FIXTURES, 'retained-truncated-last-line.db'), join(dir, 'retained.db'));
    await writeFile(join(dir, 'wills.db'), 'garbage\n');
    await writeFile(join(dir, 'counters.db'), '{"_id":"1","name":"uptime","value":5}\n{"_id":"2","na');
    const state = await persistence().load();
    expect(state.problems.map((x) => x.store).sort()).toEqual(['counters.db', 'retained.db', 'wills.db']);
    expect(state.counters).toEqual([{ name: 'uptime', value: 5 }]);
    expect(state.retained).toHaveLength(5);
    expect(await asideFiles()).toHaveLength(3);
  });

  it('rejects load() only when the data directory cannot be used at all', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const p = createNedbPersistence({ dir: file });
    open.push(p);
    await expect(p.load()).rejects.toThrow();
    expect((await stat(file)).isFile()).toBe(true);
  });
});
