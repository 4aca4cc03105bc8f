/**
 * The saved library of publish templates: a small JSON file in the data directory.
 *
 * Writes go to a temporary file that is fsynced and renamed over the old one, so a crash
 * leaves either the old or the new library. A file that cannot be read as a library is moved
 * aside as `<name>.bad-<time>` (never deleted), the app starts with an empty library, and the
 * reason is reported in `problem` until the next successful save.
 */

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PublishTemplateDto, PublishTemplatesDto, TopicQos } from '../../contract/topics.js';
import { moveAside, writeFileAtomic } from '../../persistence/salvage.js';

export const TEMPLATES_FILE = 'publish-templates.json';
/** Most templates kept; a save beyond it is refused. */
export const MAX_TEMPLATES = 200;

export type TemplateInput = Omit<PublishTemplateDto, 'id' | 'savedAt'> & { id?: string };

interface TemplateFile {
  version: 1;
  templates: PublishTemplateDto[];
}

export class TemplateLimitError extends Error {}

export class PublishTemplates {
  readonly #file: string;
  readonly #now: () => number;
  #templates: PublishTemplateDto[] = [];
  #problem: string | null = null;
  /** one write at a time, in call order */
  #writing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, now: () => number = Date.now) {
    this.#file = path.join(dataDir, TEMPLATES_FILE);
    this.#now = now;
  }

  get file(): string {
    return this.#file;
  }

  async load(): Promise<PublishTemplatesDto> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return this.list();
      this.#problem = `saved publish templates could not be read: ${(err as Error).message}`;
      return this.list();
    }
    const parsed = parseTemplateFile(text);
    if (parsed.ok) {
      this.#templates = parsed.templates;
    } else {
      const movedTo = await moveAside(this.#file, '', new Date(this.#now()));
      this.#problem = `saved publish templates were unreadable (${parsed.reason}); the file was moved to ${movedTo}`;
    }
    return this.list();
  }

  list(): PublishTemplatesDto {
    return { templates: this.#templates.map((t) => ({ ...t })), problem: this.#problem, limit: MAX_TEMPLATES };
  }

  async save(input: TemplateInput): Promise<PublishTemplatesDto> {
    const template: PublishTemplateDto = {
      id: input.id ?? randomUUID(),
      name: input.name,
      topicName: input.topicName,
      payload: input.payload,
      qos: input.qos,
      retain: input.retain,
      savedAt: this.#now(),
    };
    const index = this.#templates.findIndex((t) => t.id === template.id);
    if (index >= 0) {
      this.#templates[index] = template;
    } else {
      if (this.#templates.length >= MAX_TEMPLATES) throw new TemplateLimitError(`the library holds at most ${MAX_TEMPLATES} templates`);
      this.#templates.push(template);
    }
    await this.#persist();
    return this.list();
  }

  async delete(id: string): Promise<PublishTemplatesDto> {
    const before = this.#templates.length;
    this.#templates = this.#templates.filter((t) => t.id !== id);
    if (this.#templates.length !== before) await this.#persist();
    return this.list();
  }

  #persist(): Promise<void> {
    const body: TemplateFile = { version: 1, templates: this.#templates };
    const text = `${JSON.stringify(body, null, 2)}\n`;
    const write = this.#writing.then(async () => {
      await writeFileAtomic(this.#file, text);
      this.#problem = null;
    });
    // The chain continues after a failed write; the caller still sees the failure.
    this.#writing = write.catch(() => undefined);
    return write;
  }
}

type Parsed = { ok: true; templates: PublishTemplateDto[] } | { ok: false; reason: string };

export function parseTemplateFile(text: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'not an object' };
  const file = data as Record<string, unknown>;
  if (file['version'] !== 1) return { ok: false, reason: `unknown version ${String(file['version'])}` };
  const list = file['templates'];
  if (!Array.isArray(list)) return { ok: false, reason: 'templates is not a list' };
  const templates: PublishTemplateDto[] = [];
  for (const [i, item] of list.entries()) {
    const t = asTemplate(item);
    if (!t) return { ok: false, reason: `template ${i} is malformed` };
    templates.push(t);
  }
  return { ok: true, templates: templates.slice(0, MAX_TEMPLATES) };
}

function asTemplate(item: unknown): PublishTemplateDto | null {
  if (typeof item !== 'object' || item === null) return null;
  const r = item as Record<string, unknown>;
  const { id, name, topicName, payload, qos, retain, savedAt } = r;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof topicName !== 'string') return null;
  if (typeof payload !== 'string' || typeof retain !== 'boolean' || typeof savedAt !== 'number') return null;
  if (qos !== 0 && qos !== 1 && qos !== 2) return null;
  return { id, name, topicName, payload, qos: qos as TopicQos, retain, savedAt };
}
