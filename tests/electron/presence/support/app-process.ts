/**
 * Runs app-child.ts (the real composition root) as a child process: collects the alerts it
 * raises, sends it commands, and kills it with SIGKILL (no shutdown save). Also reads the nedb
 * files it wrote, the way nedb itself does (last line per _id wins).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AlertDto } from '../../../../electron/contract/alerts.js';
import { salvageText } from '../../../../electron/persistence/salvage.js';
import { until } from '../rig.js';

type Line = Record<string, unknown> & { type: string };

export class AppProcess {
  readonly alerts: AlertDto[] = [];
  private readonly replies: Line[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;
  port = 0;
  stderr = '';

  private constructor(dataDir: string, offset: number) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'app-child.ts'), dataDir, String(offset)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    this.child.stderr?.on('data', (b: Buffer) => void (this.stderr += b.toString()));
    void (async () => {
      for await (const text of createInterface({ input: child.stdout! })) {
        const line = JSON.parse(text) as Line;
        if (line.type === 'ready') this.port = line['port'] as number;
        else if (line.type === 'alert') this.alerts.push(line['alert'] as AlertDto);
        else this.replies.push(line);
      }
    })();
  }

  static async start(dataDir: string, offset = 0): Promise<AppProcess> {
    const p = new AppProcess(dataDir, offset);
    await until(() => p.port > 0, () => `the app to start (stderr: ${p.stderr})`, 60_000);
    return p;
  }

  private async ask(command: string, type: string): Promise<Line> {
    this.child.stdin?.write(`${command}\n`);
    return until(() => {
      const i = this.replies.findIndex((r) => r.type === type);
      return i < 0 ? undefined : this.replies.splice(i, 1)[0];
    }, () => `a reply to ${command}`);
  }

  async advance(ms: number): Promise<number> {
    return (await this.ask(`advance ${ms}`, 'advanced'))['offset'] as number;
  }

  async status(id: string): Promise<{ status: string; detail: string | null; intervalSource: string | null }> {
    const r = await this.ask(`status ${id}`, 'status');
    return { status: r['status'] as string, detail: r['detail'] as string | null, intervalSource: r['intervalSource'] as string | null };
  }

  async waitStatus(id: string, expected: string): Promise<void> {
    let last = '';
    for (let i = 0; ; i++) {
      last = (await this.status(id)).status;
      if (last === expected) return;
      if (i > 1000) throw new Error(`${id} did not become ${expected} (is ${last})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  waitAlert(pred: (a: AlertDto) => boolean, what: string): Promise<AlertDto> {
    return until(() => this.alerts.find(pred), () => `${what} (alerts: ${this.alerts.map((a) => a.kind).join(', ')})`);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** The live documents of an nedb file in the data dir, by _id. */
export async function nedbDocs(dataDir: string, file: string): Promise<Map<string, Record<string, unknown>>> {
  const text = await readFile(join(dataDir, file), 'utf8').catch(() => '');
  return new Map(salvageText(text).docs.map((d) => [d['_id'] as string, d]));
}

/** Waits until the saved document of `id` in `file` satisfies `check` (polls; the timeout only guards against hangs). */
export async function waitSaved(dataDir: string, file: string, id: string, check: (doc: Record<string, unknown>) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const doc = (await nedbDocs(dataDir, file)).get(id);
    if (doc !== undefined && check(doc)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${id} to be saved in ${file} (${JSON.stringify(doc)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
