import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TEMPLATES, PublishTemplates, TEMPLATES_FILE, TemplateLimitError } from '../../../electron/services/topics/publish-templates.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fw-templates-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lamp = { name: 'Lamp on', topicName: 'cmnd/lamp/POWER', payload: 'ON', qos: 1 as const, retain: false };

describe('publish templates', () => {
  it('starts empty without a file, and keeps saved templates across a restart', async () => {
    const first = new PublishTemplates(dir, () => 1000);
    expect(await first.load()).toEqual({ templates: [], problem: null, limit: MAX_TEMPLATES });
    const saved = await first.save(lamp);
    expect(saved.templates).toHaveLength(1);
    expect(saved.templates[0]).toMatchObject({ ...lamp, savedAt: 1000 });

    const second = new PublishTemplates(dir);
    const loaded = await second.load();
    expect(loaded.templates).toEqual(saved.templates);
  });

  it('replaces a template saved with its id and deletes by id', async () => {
    const store = new PublishTemplates(dir);
    await store.load();
    const { templates } = await store.save(lamp);
    const id = templates[0]!.id;
    const replaced = await store.save({ ...lamp, id, payload: 'OFF' });
    expect(replaced.templates).toHaveLength(1);
    expect(replaced.templates[0]!.payload).toBe('OFF');
    expect((await store.delete(id)).templates).toEqual([]);
    expect((await new PublishTemplates(dir).load()).templates).toEqual([]);
  });

  it('moves an unreadable file aside, starts empty, reports it, and clears the report after a save', async () => {
    const file = path.join(dir, TEMPLATES_FILE);
    await writeFile(file, '{"version":1,"templates":[{"id":');
    const store = new PublishTemplates(dir, () => Date.UTC(2024, 0, 2, 3, 4, 5));
    const loaded = await store.load();
    expect(loaded.templates).toEqual([]);
    expect(loaded.problem).toMatch(/unreadable.*moved to .*publish-templates\.json\.bad-2024-01-02T03-04-05/);
    const files = await readdir(dir);
    const bad = files.find((f) => f.startsWith(`${TEMPLATES_FILE}.bad-`))!;
    expect(await readFile(path.join(dir, bad), 'utf8')).toBe('{"version":1,"templates":[{"id":');
    expect(files).not.toContain(TEMPLATES_FILE);
    expect((await store.save(lamp)).problem).toBeNull();
  });

  it('treats well-formed JSON with malformed templates as unreadable too', async () => {
    await writeFile(path.join(dir, TEMPLATES_FILE), JSON.stringify({ version: 1, templates: [{ id: 'x', qos: 7 }] }));
    const loaded = await new PublishTemplates(dir).load();
    expect(loaded.problem).toMatch(/template 0 is malformed/);
  });

  it(`refuses more than ${MAX_TEMPLATES} templates`, async () => {
    const store = new PublishTemplates(dir);
    await store.load();
    for (let i = 0; i < MAX_TEMPLATES; i++) await store.save({ ...lamp, name: `t${i}` });
    await expect(store.save(lamp)).rejects.toBeInstanceOf(TemplateLimitError);
    expect((await new PublishTemplates(dir).load()).templates).toHaveLength(MAX_TEMPLATES);
  });
});
