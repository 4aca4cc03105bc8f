/**
 * Test-side handle on a simulated board: a socat pty pair, the simulator process on one end, and a control
 * connection that stands in for the board's DTR/RTS wires (the only mocked seam) and for the cable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, type SimConfig } from './config.js';
import type { ResetLines, LineResult } from '../../../electron/serial/reset-lines.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

export interface SimEvent {
  event: string;
  [k: string]: unknown;
}

export interface StartOptions {
  config?: Partial<SimConfig>;
  /** bytes to put into the simulated flash before the board powers on (rest stays 0xFF) */
  prefill?: (flash: Buffer) => void;
  /** kill socat when the simulator asks for the cable to be pulled (fault unplugAfterBlocks) */
  autoUnplug?: boolean;
  /** reuse an existing directory/flash file (re-plugging the same board) */
  dir?: string;
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class SimBoard {
  readonly events: SimEvent[] = [];
  private socat: ChildProcess | null = null;
  private sim: ChildProcess | null = null;
  private control: Socket | null = null;
  private nextId = 1;
  private pending = new Map<number, (msg: Record<string, unknown>) => void>();
  private listeners = new Set<(e: SimEvent) => void>();
  readonly config: SimConfig;
  unplugged = false;

  private constructor(
    readonly dir: string,
    config: SimConfig,
    private readonly opts: StartOptions,
  ) {
    this.config = config;
  }

  /** the pty the code under test opens, as a user would open /dev/ttyUSB0 */
  get hostPath(): string {
    return join(this.dir, 'ttyHOST');
  }
  get boardPath(): string {
    return join(this.dir, 'ttyBOARD');
  }
  get flashPath(): string {
    return join(this.dir, 'flash.bin');
  }

  static async start(opts: StartOptions = {}): Promise<SimBoard> {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'fw-esp-sim-'));
    const config: SimConfig = { ...defaultConfig(), ...opts.config, faults: { ...(opts.config?.faults ?? {}) } };
    const board = new SimBoard(dir, config, opts);
    if (opts.prefill && !opts.dir) {
      const flash = Buffer.alloc(config.flashSize, 0xff);
      opts.prefill(flash);
      writeFileSync(board.flashPath, flash);
    }
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    try {
      await board.plugIn();
    } catch (err) {
      await board.stop();
      throw err;
    }
    return board;
  }

  private async plugIn(): Promise<void> {
    rmSync(this.hostPath, { force: true });
    rmSync(this.boardPath, { force: true });
    this.socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.hostPath}`, `pty,raw,echo=0,link=${this.boardPath}`], { stdio: 'ignore' });
    await waitUntil(() => existsSync(this.hostPath) && existsSync(this.boardPath), 10_000, 'socat pty pair');
    const controlPath = join(this.dir, 'control.sock');
    rmSync(controlPath, { force: true });
    const sim = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'main.ts'), '--port', this.boardPath, '--control', controlPath, '--flash', this.flashPath, '--config', join(this.dir, 'config.json')],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.sim = sim;
    let out = '';
    let err = '';
    sim.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    sim.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    await waitUntil(() => out.includes('READY') || sim.exitCode !== null, 30_000, 'simulator start').catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}: ${err}`);
    });
    if (sim.exitCode !== null) throw new Error(`simulator exited: ${err}`);
    this.control = await new Promise<Socket>((resolve, reject) => {
      const s = connect(controlPath, () => resolve(s));
      s.on('error', reject);
    });
    let buf = '';
    this.control.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        if (typeof msg.event === 'string') this.onEvent(msg as SimEvent);
        else if (typeof msg.id === 'number') {
          this.pending.get(msg.id)?.(msg);
          this.pending.delete(msg.id);
        }
      }
    });
    this.control.on('error', () => undefined);
    this.unplugged = false;
  }

  private onEvent(e: SimEvent): void {
    if (this.events.length < 10_000) this.events.push(e);
    if (e.event === 'unplug-request' && this.opts.autoUnplug) void this.unplug();
    for (const l of this.listeners) l(e);
  }

  request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const control = this.control;
    if (!control || control.destroyed) return Promise.resolve({ ok: false, error: 'simulator not running' });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      control.write(`${JSON.stringify({ ...msg, id })}\n`);
    });
  }

  configure(patch: Partial<SimConfig>): Promise<Record<string, unknown>> {
    Object.assign(this.config, patch);
    return this.request({ type: 'configure', patch });
  }

  /** Power-cycle the board, optionally with the BOOT button held ('download'). */
  power(bootMode?: 'download' | 'flash'): Promise<Record<string, unknown>> {
    return this.request({ type: 'power', ...(bootMode ? { bootMode } : {}) });
  }

  async status(): Promise<Record<string, unknown>> {
    const r = await this.request({ type: 'status' });
    return (r.status ?? {}) as Record<string, unknown>;
  }

  /** The board's DTR/RTS wires: the fake seam a test gives the flasher instead of serialport's ioctl. */
  resetLines(): ResetLines {
    return {
      set: async ({ dtr, rts }): Promise<LineResult> => {
        if (this.unplugged) return { ok: false, message: 'device unplugged' };
        const r = await this.request({ type: 'lines', dtr, rts });
        return r.ok === true ? { ok: true } : { ok: false, message: String(r.error) };
      },
    };
  }

  waitForEvent(name: string, pred: (e: SimEvent) => boolean = () => true, timeoutMs = 20_000): Promise<SimEvent> {
    const found = this.events.find((e) => e.event === name && pred(e));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(l);
        reject(new Error(`timed out waiting for simulator event ${name}`));
      }, timeoutMs);
      const l = (e: SimEvent): void => {
        if (e.event === name && pred(e)) {
          clearTimeout(timer);
          this.listeners.delete(l);
          resolve(e);
        }
      };
      this.listeners.add(l);
    });
  }

  readFlash(offset = 0, length = this.config.flashSize): Buffer {
    const fd = openSync(this.flashPath, 'r');
    try {
      const out = Buffer.alloc(length);
      readSync(fd, out, 0, length, offset);
      return out;
    } finally {
      closeSync(fd);
    }
  }

  flashFile(): Buffer {
    return readFileSync(this.flashPath);
  }

  /** Pull the cable: socat dies, the host's port sees EIO and closes with `disconnected`. */
  async unplug(): Promise<void> {
    this.unplugged = true;
    await kill(this.socat);
    this.socat = null;
  }

  /** Plug the same board in again (same flash contents, same pty path). */
  async replug(patch: Partial<SimConfig> = {}): Promise<void> {
    await kill(this.sim);
    await kill(this.socat);
    this.control?.destroy();
    Object.assign(this.config, patch);
    writeFileSync(join(this.dir, 'config.json'), JSON.stringify(this.config));
    await this.plugIn();
  }

  async stop(): Promise<void> {
    this.control?.destroy();
    await kill(this.sim);
    await kill(this.socat);
    if (!this.opts.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

async function kill(p: ChildProcess | null): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      p.kill('SIGKILL');
    }, 2000);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.kill('SIGTERM');
  });
}
