/** The shared keep-aside / salvage / atomic-replace helpers every data file of the main process goes through. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSalvaging, moveAside, writeFileAtomic } from '../../../electron/persistence/salvage.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fw-salvage-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What nedb's load() rejects with for an unreadable line. */
const corruption = Object.assign(new Error('More than 0% of the data file is corrupt'), { corruptItems: 1 });

describe('salvage helpers', () => {
  it('moves a file aside as <file>.bad-<time><suffix> and leaves nothing at the old path', async () => {
    const file = join(dir, 'settings.json');
    writeFileSync(file, '{broken');
    const movedTo = await moveAside(file, '-unloadable', new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
    expect(movedTo).toBe(`${file}.bad-2024-01-02T03-04-05.000Z-unloadable`);
    expect(readdirSync(dir)).toEqual(['settings.json.bad-2024-01-02T03-04-05.000Z-unloadable']);
    expect(readFileSync(movedTo, 'utf8')).toBe('{broken');
  });

  it('replaces a file atomically and leaves no temporary file behind', async () => {
    const file = join(dir, 'doc.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new\n');
    await writeFileAtomic(join(dir, 'seg.bin'), Buffer.from([1, 2, 3]));
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect([...readFileSync(join(dir, 'seg.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir).sort()).toEqual(['doc.json', 'seg.bin']);
  });

  it('salvages a file its loader refuses, keeps the original aside and loads the readable documents', async () => {
    const file = join(dir, 'things.db');
    const damaged = '{"_id":"a","v":1}\n{"_id":"b","v"\n{"_id":"c","v":3}\n';
    writeFileSync(file, damaged);
    let loads = 0;
    const result = await loadSalvaging(file, async () => {
      loads++;
      if (loads === 1) throw corruption;
      return readFileSync(file, 'utf8');
    });
    expect(result.db).toBe('{"_id":"a","v":1}\n{"_id":"c","v":3}\n');
    expect(result.salvaged).toMatchObject({ recovered: 2, lines: 3, unreadable: 1 });
    expect(readFileSync(result.salvaged!.movedTo, 'utf8')).toBe(damaged);
    expect(result.unloadable).toBeUndefined();
  });

  it('moves a file aside as unloadable and starts empty when even the salvaged file is refused', async () => {
    const file = join(dir, 'things.db');
    writeFileSync(file, '{"_id":"a","v":1}\n');
    let loads = 0;
    const result = await loadSalvaging(file, async () => {
      loads++;
      if (loads <= 2) throw corruption;
      return 'empty store';
    });
    expect(result.db).toBe('empty store');
    expect(result.unloadable).toMatch(/things\.db\.bad-.*-unloadable$/);
    expect(readFileSync(result.unloadable!, 'utf8')).toBe('{"_id":"a","v":1}\n');
    expect(readdirSync(dir).filter((n) => n.startsWith('things.db.bad-'))).toHaveLength(2);
  });

  it('passes on a load failure that is not damage, without touching the file', async () => {
    const file = join(dir, 'things.db');
    writeFileSync(file, 'x');
    await expect(loadSalvaging(file, () => Promise.reject(new Error('EACCES')))).rejects.toThrow('EACCES');
    expect(readdirSync(dir)).toEqual(['things.db']);
  });
});
