/**
 * The UART as the simulator models it: a pty moves bytes instantly, a real 8N1 line moves baud/10 bytes per
 * second. With pacing on, received bytes reach the board only after their wire time and sent bytes leave no faster
 * than the line allows, so a throughput measurement through the simulator means something.
 */

interface Timed {
  at: number;
  chunk: Buffer;
}

export class PacedWire {
  private baud: number;
  private txFreeAt = 0;
  private rxFreeAt = 0;
  private readonly tx: Timed[] = [];
  private readonly rx: Timed[] = [];
  private txTimer: NodeJS.Timeout | null = null;
  private rxTimer: NodeJS.Timeout | null = null;
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    private readonly write: (b: Buffer) => void,
    private readonly deliver: (b: Buffer) => void,
    private readonly pace: () => boolean,
    baud: number,
  ) {
    this.baud = baud;
  }

  get baudRate(): number {
    return this.baud;
  }

  /** Bytes already queued keep the old timing; the CHANGE_BAUDRATE reply leaves at the old rate. */
  setBaud(baud: number): void {
    this.baud = baud;
  }

  private byteTimeMs(n: number): number {
    return (n * 10 * 1000) / this.baud;
  }

  send(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.bytesOut += bytes.length;
    if (!this.pace()) return this.write(bytes);
    const now = performance.now();
    this.txFreeAt = Math.max(now, this.txFreeAt) + this.byteTimeMs(bytes.length);
    this.tx.push({ at: this.txFreeAt, chunk: bytes });
    this.pump('tx');
  }

  receive(bytes: Buffer): void {
    this.bytesIn += bytes.length;
    if (!this.pace()) return this.deliver(bytes);
    const now = performance.now();
    this.rxFreeAt = Math.max(now, this.rxFreeAt) + this.byteTimeMs(bytes.length);
    this.rx.push({ at: this.rxFreeAt, chunk: bytes });
    this.pump('rx');
  }

  /** Forget queued output (the board was reset: what it was sending never leaves). */
  clearOutput(): void {
    this.tx.length = 0;
    this.txFreeAt = 0;
  }

  close(): void {
    if (this.txTimer) clearTimeout(this.txTimer);
    if (this.rxTimer) clearTimeout(this.rxTimer);
    this.tx.length = 0;
    this.rx.length = 0;
  }

  private pump(which: 'tx' | 'rx'): void {
    const queue = which === 'tx' ? this.tx : this.rx;
    if ((which === 'tx' ? this.txTimer : this.rxTimer) !== null) return;
    const step = (): void => {
      if (which === 'tx') this.txTimer = null;
      else this.rxTimer = null;
      const now = performance.now();
      while (queue.length > 0 && queue[0]!.at <= now + 0.5) {
        const item = queue.shift()!;
        if (which === 'tx') this.write(item.chunk);
        else this.deliver(item.chunk);
      }
      if (queue.length > 0) {
        const t = setTimeout(step, Math.max(0, queue[0]!.at - performance.now()));
        if (which === 'tx') this.txTimer = t;
        else this.rxTimer = t;
      }
    };
    const t = setTimeout(step, Math.max(0, queue[0]!.at - performance.now()));
    if (which === 'tx') this.txTimer = t;
    else this.rxTimer = t;
  }
}
