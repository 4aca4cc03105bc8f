/**
 * One owner per serial port for the whole app: the flasher, the Tasmota/Improv configuration and the serial
 * monitor each take a lease, and a second user gets a clear "busy" answer instead of two readers fighting over
 * the bytes. Leases are serialport instances wrapped as ByteLinks; closing a lease always frees the path.
 */
import { stat } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import type { ByteLink, LinkClosed } from './byte-link.js';
import type { ResetLines, LineResult } from './reset-lines.js';

/** how often an open port checks that its device node still exists */
const WATCHDOG_MS = 500;
/** libuv poll flags (bindings-cpp poller.js EVENTS) */
const UV_READABLE = 0b0001;
const UV_WRITABLE = 0b0010;
const REARM_MS = 20;

export type PortPurpose = 'flash' | 'configure' | 'monitor';

export type LeaseResult = { ok: true; link: PortLease } | { ok: false; code: 'port-busy' | 'port-open-failed'; message: string };

/** Explain the usual Linux open failures in words a bench user can act on. */
export function explainOpenError(path: string, message: string): string {
  if (/ENOENT|No such file/i.test(message)) return `${path} does not exist (unplugged, or the USB-serial driver is missing)`;
  if (/EACCES|Permission denied/i.test(message)) return `no permission to open ${path}: add your user to the "dialout" group (then log out and in)`;
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY/i.test(message)) return `${path} is in use by another program (a serial terminal, Arduino IDE, ModemManager)`;
  return `cannot open ${path}: ${message}`;
}

export class PortLease implements ByteLink {
  private readonly dataListeners = new Set<(chunk: Buffer) => void>();
  private readonly closeListeners = new Set<(info: LinkClosed) => void>();
  private closed = false;
  /** tracked line state: serialport's set() fills omitted flags with dtr/rts = true (ESP8266.md §8) */
  private lines = { dtr: false, rts: false };
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly port: SerialPort,
    readonly purpose: PortPurpose,
    private readonly release: () => void,
  ) {
    port.on('data', (chunk: Buffer) => {
      for (const l of this.dataListeners) l(chunk);
    });
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => this.finish({ disconnected: err?.disconnected === true, ...(err ? { message: err.message } : {}) }));
    // errors after open (EIO on unplug) are followed by close; keep them from becoming uncaught
    port.on('error', () => undefined);
    // An idle port only learns of an unplug when a read is pending and the kernel reports it, which serialport
    // misses on ptys (and sometimes on USB): the device node vanishing is the reliable sign.
    this.watchdog = setInterval(() => {
      stat(port.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' && !this.closed) this.vanished();
      });
    }, WATCHDOG_MS);
    this.watchdog.unref();
  }

  private vanished(): void {
    if (this.port.isOpen) this.port.close(() => undefined, null);
    this.finish({ disconnected: true, message: `${this.port.path} disappeared` });
  }

  get path(): string {
    return this.port.path;
  }
  get baudRate(): number {
    return this.port.baudRate;
  }
  get isOpen(): boolean {
    return !this.closed && this.port.isOpen;
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.isOpen) return reject(new Error('port is closed'));
      // see rearmPoller: keep both poll interests armed while the write may be waiting for "writable"
      const kick = setInterval(() => this.rearmPoller(), REARM_MS);
      const done = (err?: Error | null): void => {
        clearInterval(kick);
        if (err) reject(err);
        else resolve();
      };
      this.port.write(Buffer.from(data), (err) => {
        if (err) return done(err);
        this.port.drain((e) => done(e));
      });
    });
  }

  /**
   * Work around @serialport/bindings-cpp 13's Poller: `poll(events)` ORs the new events into its bookkeeping but
   * calls uv_poll_start with the new events only, so a read that starts waiting for "readable" after a write began
   * waiting for "writable" replaces the writable interest. A write to a board that stays silent until the whole
   * block has arrived (the ESP8266 loader) then never completes. Re-arming both interests while a write is pending
   * turns that deadlock into at most REARM_MS of delay; a spurious event only makes serialport retry its syscall.
   */
  private rearmPoller(): void {
    const binding = this.port.port as { poller?: { poll?: (flags: number) => void } } | undefined;
    try {
      binding?.poller?.poll?.(UV_READABLE | UV_WRITABLE);
    } catch {
      // closed meanwhile: nothing to re-arm
    }
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (info: LinkClosed) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  setBaudRate(baudRate: number): Promise<void> {
    return new Promise((resolve, reject) => this.port.update({ baudRate }, (err) => (err ? reject(err) : resolve())));
  }

  flushInput(): Promise<void> {
    return new Promise((resolve) => this.port.flush(() => resolve()));
  }

  /** DTR/RTS of this port; on a pty or a bridge without modem lines it reports why instead of throwing. */
  resetLines(): ResetLines {
    return {
      set: ({ dtr, rts }): Promise<LineResult> =>
        new Promise((resolve) => {
          if (!this.isOpen) return resolve({ ok: false, message: 'port is closed' });
          this.port.set({ dtr, rts, brk: false, cts: false, dsr: false }, (err) => {
            if (err) return resolve({ ok: false, message: err.message });
            this.lines = { dtr, rts };
            resolve({ ok: true });
          });
        }),
    };
  }

  get lineState(): { dtr: boolean; rts: boolean } {
    return { ...this.lines };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (!this.port.isOpen) {
        this.finish({ disconnected: false });
        return resolve();
      }
      this.port.close(() => {
        this.finish({ disconnected: false });
        resolve();
      });
    });
  }

  private finish(info: LinkClosed): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.release();
    for (const l of this.closeListeners) l(info);
    this.dataListeners.clear();
    this.closeListeners.clear();
  }
}

export class PortOwner {
  /** a purpose alone marks a port that is still opening, so two opens in the same tick cannot both succeed */
  private readonly leases = new Map<string, PortLease | PortPurpose>();

  /** Who holds `path` right now, if anyone. */
  holder(path: string): PortPurpose | null {
    const l = this.leases.get(path);
    if (l === undefined) return null;
    return typeof l === 'string' ? l : l.purpose;
  }

  async open(path: string, baudRate: number, purpose: PortPurpose): Promise<LeaseResult> {
    const current = this.holder(path);
    if (current) return { ok: false, code: 'port-busy', message: `${path} is busy: the ${describe(current)} is using it` };
    this.leases.set(path, purpose);
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    const err = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
    this.leases.delete(path);
    if (err) return { ok: false, code: 'port-open-failed', message: explainOpenError(path, err.message) };
    const lease = new PortLease(port, purpose, () => {
      if (this.leases.get(path) === lease) this.leases.delete(path);
    });
    this.leases.set(path, lease);
    return { ok: true, link: lease };
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.leases.values()].map((l) => (typeof l === 'string' ? undefined : l.close())));
  }
}

function describe(p: PortPurpose): string {
  return p === 'flash' ? 'flasher' : p === 'configure' ? 'device configuration' : 'serial monitor';
}
