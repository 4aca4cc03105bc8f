/**
 * Command/response exchange with the ESP8266 ROM loader or the flasher stub over a ByteLink.
 * One request at a time (the ROM is stop-and-wait); replies are matched by opcode the way esptool does
 * (loader.py `command`: read frames until one carries the request's op, give up after 100).
 */
import type { ByteLink, LinkClosed } from './byte-link.js';
import { SlipDecoder, slipEncode } from './slip.js';
import {
  encodeRequest,
  isOhai,
  isPlausibleLoaderFrame,
  isUnsupported,
  opName,
  parseResponse,
  statusError,
  type LoaderStatusError,
  type Response,
} from './rom-protocol.js';

export type LinkError =
  | { kind: 'timeout'; op: number; message: string }
  | { kind: 'status'; op: number; status: LoaderStatusError; message: string }
  | { kind: 'unsupported'; op: number; message: string }
  | { kind: 'closed'; op: number; disconnected: boolean; message: string }
  | { kind: 'aborted'; op: number; message: string };

export type CommandResult = { ok: true; response: Response } | { ok: false; error: LinkError };

/** Bound on replies waiting to be claimed; stale extra SYNC replies are the usual content. */
const MAX_QUEUED_FRAMES = 256;
/** esptool gives up matching after 100 foreign frames (loader.py). */
const MAX_FOREIGN_FRAMES = 100;
/** Bytes of non-SLIP text kept for diagnostics (boot banner, firmware log). */
const NOISE_TAIL_BYTES = 2048;

interface Waiter {
  wake: () => void;
}

export class EspLink {
  private readonly decoder: SlipDecoder;
  private readonly frames: Buffer[] = [];
  private waiter: Waiter | null = null;
  private closedInfo: LinkClosed | null = null;
  private noise = Buffer.alloc(0);
  private readonly unsubscribe: Array<() => void> = [];
  /** frames shed because nobody claimed them (bounded queue, never silent) */
  shedFrames = 0;
  ohaiSeen = false;
  bytesWritten = 0;

  constructor(readonly link: ByteLink) {
    this.decoder = new SlipDecoder(
      (frame) => this.onFrame(frame),
      64 * 1024,
      (bytes) => this.onNoise(bytes),
      isPlausibleLoaderFrame,
    );
    this.unsubscribe.push(link.onData((chunk) => this.decoder.push(chunk)));
    this.unsubscribe.push(
      link.onClose((info) => {
        this.closedInfo = info;
        this.wake();
      }),
    );
  }

  get closed(): LinkClosed | null {
    return this.closedInfo;
  }

  /** The last bytes of text the device printed outside SLIP frames (the ROM banner, firmware logs). */
  noiseTail(): Buffer {
    return this.noise;
  }

  get noiseBytes(): number {
    return this.decoder.stats.noiseBytes;
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.wake();
  }

  /** Forget everything received so far (esptool flushes input before each SYNC: loader.py `sync`). */
  async flushInput(): Promise<void> {
    await this.link.flushInput();
    this.frames.length = 0;
    this.decoder.reset();
    this.ohaiSeen = false;
  }

  async send(op: number, data: Uint8Array, checksum = 0): Promise<void> {
    const bytes = slipEncode(encodeRequest(op, data, checksum));
    this.bytesWritten += bytes.length;
    await this.link.write(bytes);
  }

  async command(
    op: number,
    data: Uint8Array,
    opts: { checksum?: number; timeoutMs: number; signal?: AbortSignal },
  ): Promise<CommandResult> {
    if (this.closedInfo) return { ok: false, error: this.closedError(op) };
    try {
      await this.send(op, data, opts.checksum ?? 0);
    } catch (err) {
      if (this.closedInfo) return { ok: false, error: this.closedError(op) };
      // A write that fails outright (EIO on Linux) is how a pulled USB adapter often shows first.
      return { ok: false, error: { kind: 'closed', op, disconnected: true, message: `${DISAPPEARED} (write failed: ${errorText(err)})` } };
    }
    return this.awaitReply(op, opts.timeoutMs, opts.signal);
  }

  /** Wait for the reply to `op` without sending (SYNC's 7 extra replies, MEM_END without a reply). */
  async awaitReply(op: number, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult> {
    const deadline = Date.now() + timeoutMs;
    let foreign = 0;
    for (;;) {
      const frame = this.frames.shift();
      if (frame) {
        const r = parseResponse(frame);
        if (!r) continue;
        if (r.op === op) {
          if (isUnsupported(r, op)) return { ok: false, error: { kind: 'unsupported', op, message: `${opName(op)} is not supported by this loader` } };
          const st = statusError(r);
          if (st) return { ok: false, error: { kind: 'status', op, status: st, message: `${opName(op)} failed: ${st.message}` } };
          return { ok: true, response: r };
        }
        if (isUnsupported(r, op)) return { ok: false, error: { kind: 'unsupported', op, message: `${opName(op)} is not supported by this loader` } };
        if (++foreign > MAX_FOREIGN_FRAMES) return { ok: false, error: { kind: 'timeout', op, message: `no reply to ${opName(op)} among ${MAX_FOREIGN_FRAMES} frames` } };
        continue;
      }
      if (this.closedInfo) return { ok: false, error: this.closedError(op) };
      if (signal?.aborted) return { ok: false, error: { kind: 'aborted', op, message: 'cancelled' } };
      const left = deadline - Date.now();
      if (left <= 0) return { ok: false, error: { kind: 'timeout', op, message: `no reply to ${opName(op)} within ${timeoutMs} ms` } };
      await this.sleepUntilFrame(left, signal);
    }
  }

  /** Wait for the stub's unsolicited OHAI greeting. */
  async awaitOhai(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.ohaiSeen) return true;
      const left = deadline - Date.now();
      if (left <= 0 || this.closedInfo || signal?.aborted) return false;
      await this.sleepUntilFrame(left, signal);
    }
  }

  private onFrame(frame: Buffer): void {
    if (isOhai(frame)) {
      this.ohaiSeen = true;
      this.wake();
      return;
    }
    if (this.frames.length >= MAX_QUEUED_FRAMES) {
      this.frames.shift();
      this.shedFrames++;
    }
    this.frames.push(frame);
    this.wake();
  }

  private onNoise(bytes: Buffer): void {
    const joined = Buffer.concat([this.noise, bytes]);
    this.noise = joined.length > NOISE_TAIL_BYTES ? Buffer.from(joined.subarray(joined.length - NOISE_TAIL_BYTES)) : joined;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.wake();
  }

  private sleepUntilFrame(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (this.waiter === waiter) this.waiter = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      const waiter: Waiter = { wake: done };
      this.waiter = waiter;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private closedError(op: number): LinkError {
    const info = this.closedInfo;
    const disconnected = info?.disconnected ?? false;
    return {
      kind: 'closed',
      op,
      disconnected,
      message: disconnected ? DISAPPEARED : 'the serial port was closed',
    };
  }
}

const DISAPPEARED = 'the serial device disappeared (cable pulled or USB adapter reset)';

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
