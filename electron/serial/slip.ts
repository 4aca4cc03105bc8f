/**
 * SLIP framing as the ESP8266 ROM loader and the flasher stub use it.
 * Frames start and end with 0xC0; inside, 0xC0 → DB DC and 0xDB → DB DD (esptool serial-protocol.rst,
 * "Packet Description"). Escaping is applied after length and checksum have been computed.
 */

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

export function slipEncode(payload: Uint8Array): Buffer {
  let extra = 0;
  for (const b of payload) if (b === SLIP_END || b === SLIP_ESC) extra++;
  const out = Buffer.allocUnsafe(payload.length + extra + 2);
  let o = 0;
  out[o++] = SLIP_END;
  for (const b of payload) {
    if (b === SLIP_END) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_END;
    } else if (b === SLIP_ESC) {
      out[o++] = SLIP_ESC;
      out[o++] = SLIP_ESC_ESC;
    } else {
      out[o++] = b;
    }
  }
  out[o++] = SLIP_END;
  return out;
}

export interface SlipDecoderStats {
  frames: number;
  /** bytes seen outside any frame (boot banner, firmware log text); the ROM prints those before sync */
  noiseBytes: number;
  /** frames discarded because they exceeded maxFrameBytes or held an invalid escape */
  droppedFrames: number;
}

/**
 * Streaming decoder. Bytes outside frames are noise, not errors: the ROM banner and firmware logs share the
 * UART (esptool flushes input before SYNC for the same reason). A frame longer than `maxFrameBytes` is
 * dropped and counted — the bound keeps a babbling line from growing memory.
 */
export class SlipDecoder {
  readonly stats: SlipDecoderStats = { frames: 0, noiseBytes: 0, droppedFrames: 0 };
  private buf: Buffer;
  private len = 0;
  private inFrame = false;
  private escaped = false;
  private overflow = false;
  private invalid = false;

  /**
   * @param accept optional plausibility check. Noise can contain a stray 0xC0 that opens a bogus "frame"; its
   *   closing 0xC0 is then really the opening of the next genuine frame. A rejected frame is counted as noise
   *   and its closing 0xC0 is treated as an opening one, so one stray byte cannot swallow a real reply.
   */
  constructor(
    private readonly onFrame: (frame: Buffer) => void,
    private readonly maxFrameBytes = 64 * 1024,
    private readonly onNoise?: (bytes: Buffer) => void,
    private readonly accept?: (frame: Buffer) => boolean,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(4096, maxFrameBytes));
  }

  push(chunk: Uint8Array): void {
    let noiseStart = -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (!this.inFrame) {
        if (b === SLIP_END) {
          if (noiseStart >= 0) {
            this.noise(chunk, noiseStart, i);
            noiseStart = -1;
          }
          this.startFrame();
        } else if (noiseStart < 0) {
          noiseStart = i;
        }
        continue;
      }
      if (b === SLIP_END) {
        if (this.len === 0 && !this.overflow && !this.invalid) {
          // C0 C0: end of a previous frame directly followed by a new start; stay in frame.
          continue;
        }
        this.finishFrame();
        continue;
      }
      if (this.escaped) {
        this.escaped = false;
        if (b === SLIP_ESC_END) this.append(SLIP_END);
        else if (b === SLIP_ESC_ESC) this.append(SLIP_ESC);
        else this.invalid = true;
        continue;
      }
      if (b === SLIP_ESC) {
        this.escaped = true;
        continue;
      }
      this.append(b);
    }
    if (noiseStart >= 0) this.noise(chunk, noiseStart, chunk.length);
  }

  /** Forget a partial frame (after a baud change or a reset the line holds garbage). */
  reset(): void {
    this.inFrame = false;
    this.escaped = false;
    this.overflow = false;
    this.invalid = false;
    this.len = 0;
  }

  private startFrame(): void {
    this.inFrame = true;
    this.escaped = false;
    this.overflow = false;
    this.invalid = false;
    this.len = 0;
  }

  private finishFrame(): void {
    if (this.overflow || this.invalid) {
      // as with a rejected frame, the closing 0xC0 may be the opening of a genuine frame
      this.stats.droppedFrames++;
      this.startFrame();
      return;
    }
    const frame = Buffer.from(this.buf.subarray(0, this.len));
    if (this.accept && !this.accept(frame)) {
      this.noise(frame, 0, frame.length);
      this.startFrame();
      return;
    }
    this.stats.frames++;
    this.startFrame();
    this.inFrame = false;
    this.onFrame(frame);
  }

  private append(b: number): void {
    if (this.overflow) return;
    if (this.len >= this.maxFrameBytes) {
      this.overflow = true;
      return;
    }
    if (this.len >= this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.min(this.maxFrameBytes, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }

  private noise(chunk: Uint8Array, from: number, to: number): void {
    this.stats.noiseBytes += to - from;
    this.onNoise?.(Buffer.from(chunk.subarray(from, to)));
  }
}
