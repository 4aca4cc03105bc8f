/**
 * The broker's stores are read and written by our own code (electron/persistence/nedb-file.ts),
 * but the files must stay nedb's: nedb-promises loads what we write, and we load what nedb writes
 * (including its updates, deletion markers and compactions).
 */
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Datastore from 'nedb-promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNedbPersistence } from '../../../electron/persistence/nedb-persistence.js';
import { outbound, retained, session } from '../../broker-core/persistence/contract.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-nedb-format-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Doc = Record<string, unknown> & { _id: string };

async function nedbDocs(file: string): Promise<Doc[]> {
  const db = Datastore.create({ filename: join(dir, file), corruptAlertThreshold: 0 });
  await db.load();
  const docs = (await db.find({})) as Doc[];
  return docs.sort((a, b) => parseInt(a._id, 36) - parseInt(b._id, 36));
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('broker store files in nedb format', () => {
  it('are loaded by nedb-promises with exactly the live records, after puts, replaces, deletes and without a compaction', async () => {
    const p = createNedbPersistence({ dir, compactEveryMs: 0, compactMinChurn: Number.POSITIVE_INFINITY });
    await p.load();
    await p.putRetained(retained('lab/a', 'one'));
    await p.putRetained(retained('lab/b', 'two'));
    await p.putRetained(retained('lab/a', 'three'));
    await p.deleteRetained('lab/b');
    await p.putSession(session('c1'));
    await Promise.all([1, 2, 3].map((seq) => p.putOutbound(outbound('c1', seq))));
    await p.deleteOutbound('c1', 2);
    // a, b, a again + the marker of the first a, the marker of b: nedb applies them as we do
    expect((await readFile(join(dir, 'retained.db'), 'utf8')).split('\n').filter((l) => l !== '').length).toBe(5);

    const retainedDocs = await nedbDocs('retained.db');
    expect(retainedDocs.map((d) => [d.topicName, Buffer.from(d.payload as string, 'base64').toString()])).toEqual([['lab/a', 'three']]);
    expect((await nedbDocs('outbound.db')).map((d) => d.seq)).toEqual([1, 3]);
    expect((await nedbDocs('sessions.db')).map((d) => d.clientId)).toEqual(['c1']);
    await p.close();
  });

  it('are loaded by nedb-promises after our compaction, and nedb finds no damage in them', async () => {
    const p = createNedbPersistence({ dir, compactEveryMs: 0 });
    await p.load();
    for (let i = 0; i < 30; i++) await p.putRetained(retained(`lab/${i % 3}`, `v${i}`));
    await p.compact();
    expect((await readFile(join(dir, 'retained.db'), 'utf8')).split('\n').filter((l) => l !== '').length).toBe(3);
    const docs = await nedbDocs('retained.db');
    expect(docs.map((d) => Buffer.from(d.payload as string, 'base64').toString()).sort()).toEqual(['v27', 'v28', 'v29']);
    await p.close();
  });

  it('loads a file that nedb-promises wrote with inserts, updates and removals', async () => {
    const db = Datastore.create({ filename: join(dir, 'retained.db') });
    await db.load();
    const doc = (id: string, topicName: string, payload: string): Doc => ({ _id: id, topicName, payload: Buffer.from(payload).toString('base64'), qos: 1, storedAt: 5, publisherId: 'p' });
    await db.insert([doc('1', 'lab/a', 'a1'), doc('2', 'lab/b', 'b1'), doc('3', 'lab/c', 'c1')]);
    await db.update({ _id: '1' }, doc('1', 'lab/a', 'a2'), {});
    await db.remove({ _id: '2' }, {});
    const state = await createNedbPersistence({ dir, compactEveryMs: 0 }).load();
    expect(state.problems).toEqual([]);
    expect(new Map(state.retained.map((r) => [r.topicName, text(r.payload)]))).toEqual(
      new Map([
        ['lab/a', 'a2'],
        ['lab/c', 'c1'],
      ]),
    );
  });

  it('takes the temporary file of a rewrite that a crash left alone, as nedb does', async () => {
    await writeFile(join(dir, 'retained.db'), `${JSON.stringify({ _id: '1', topicName: 'lab/a', payload: 'YQ==', qos: 1, storedAt: 1, publisherId: '' })}\n`);
    // a crash between nedb's "rename the old file away" and "rename the new one in"
    await rename(join(dir, 'retained.db'), join(dir, 'retained.db~'));
    const p = createNedbPersistence({ dir, compactEveryMs: 0 });
    const state = await p.load();
    expect(state.retained.map((r) => r.topicName)).toEqual(['lab/a']);
    await p.close();
  });
});
