/**
 * A settings document kept as JSON in the data dir (presence rules, alert rules). Written
 * atomically (temp file, fsync, rename). A file that cannot be read or fails validation is moved
 * aside as `<file>.bad-<time>`, the defaults are used, and the problem is returned for the UI —
 * the app never refuses to start and never silently overwrites what the user wrote.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moveAside, writeFileAtomic } from '../../persistence/salvage.js';

export interface LoadedSettings<T> {
  value: T;
  problem: string | null;
}

export class JsonSettingsFile<T> {
  readonly path: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    dataDir: string,
    readonly file: string,
    private readonly parse: (input: unknown) => T | string,
    private readonly defaults: () => T,
  ) {
    this.path = join(dataDir, file);
  }

  async load(): Promise<LoadedSettings<T>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { value: this.defaults(), problem: null };
      throw err;
    }
    let problem: string;
    try {
      const parsed = this.parse(JSON.parse(text) as unknown);
      if (typeof parsed !== 'string') return { value: parsed, problem: null };
      problem = parsed;
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    const movedTo = await moveAside(this.path);
    return { value: this.defaults(), problem: `${this.file} could not be used (${problem}); it was moved to ${movedTo} and the defaults apply` };
  }

  /** Saves after any save in progress (saves never interleave). */
  save(value: T): Promise<void> {
    const run = this.writing.then(() => this.write(value));
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async write(value: T): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(value, null, 2)}\n`);
  }
}
