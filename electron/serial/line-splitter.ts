/**
 * Bytes → timestamped text lines for the consoles and the monitor. Lines end at \n (a \r before it is dropped);
 * a partial line is flushed after a quiet gap (prompts, boot text without newline) and long lines are cut, so one
 * babbling board cannot grow a line without bound.
 */

export const MAX_LINE_CHARS = 1024;

/** Render bytes as text: UTF-8 where valid, control characters (boot garbage) shown as '·'. */
export function bytesToText(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '·');
}

export class LineSplitter {
  private pending: number[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onLine: (text: string, at: number) => void,
    private readonly idleFlushMs = 150,
  ) {}

  push(chunk: Uint8Array): void {
    for (const b of chunk) {
      if (b === 0x0a) {
        this.flush();
        continue;
      }
      this.pending.push(b);
      if (this.pending.length >= MAX_LINE_CHARS) this.flush();
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.pending.length > 0 ? setTimeout(() => this.flush(), this.idleFlushMs) : null;
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    let bytes = this.pending;
    this.pending = [];
    if (bytes[bytes.length - 1] === 0x0d) bytes = bytes.slice(0, -1);
    this.onLine(bytesToText(Uint8Array.from(bytes)), Date.now());
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
