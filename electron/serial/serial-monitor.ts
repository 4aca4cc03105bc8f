/**
 * The serial monitor: a port lease at a chosen baud rate (74880 shows the ESP8266 ROM's boot log), lines with
 * timestamps, a send-line box. History is bounded (MONITOR_MAX_LINES); lines shed from the front are counted and
 * shown, never dropped silently.
 */
import type { PortOwner, PortLease } from './port-owner.js';
import { LineSplitter } from './line-splitter.js';

export const MONITOR_MAX_LINES = 2000;
export const MONITOR_BAUD_RATES = [9600, 19200, 38400, 57600, 74880, 115200, 230400, 460800, 921600] as const;

export interface MonitorLine {
  seq: number;
  /** ms since epoch */
  at: number;
  dir: 'rx' | 'tx' | 'info';
  text: string;
}

export interface MonitorStatus {
  open: boolean;
  path: string | null;
  baudRate: number | null;
  /** lines dropped from the front of the history because of MONITOR_MAX_LINES */
  shed: number;
}

export type MonitorResult = { ok: true } | { ok: false; code: 'port-busy' | 'port-open-failed' | 'not-open' | 'bad-request'; message: string };

export class SerialMonitor {
  private lease: PortLease | null = null;
  private splitter: LineSplitter | null = null;
  private readonly history: MonitorLine[] = [];
  private seq = 0;
  private shed = 0;
  private readonly listeners = new Set<(line: MonitorLine) => void>();
  private readonly statusListeners = new Set<(s: MonitorStatus) => void>();

  constructor(
    private readonly owner: PortOwner,
    private readonly maxLines = MONITOR_MAX_LINES,
  ) {}

  status(): MonitorStatus {
    return { open: this.lease !== null, path: this.lease?.path ?? null, baudRate: this.lease?.baudRate ?? null, shed: this.shed };
  }

  lines(sinceSeq = 0): { lines: MonitorLine[]; shed: number } {
    return { lines: this.history.filter((l) => l.seq > sinceSeq), shed: this.shed };
  }

  onLine(listener: (line: MonitorLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (s: MonitorStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async start(path: string, baudRate: number): Promise<MonitorResult> {
    if (!Number.isInteger(baudRate) || baudRate < 300 || baudRate > 4_000_000) return { ok: false, code: 'bad-request', message: `baud rate ${baudRate} is not usable` };
    if (this.lease && this.lease.path === path) {
      await this.lease.setBaudRate(baudRate);
      this.add('info', `baud rate ${baudRate}`);
      this.emitStatus();
      return { ok: true };
    }
    await this.stop();
    const r = await this.owner.open(path, baudRate, 'monitor');
    if (!r.ok) return r;
    const lease = r.link;
    this.lease = lease;
    this.splitter = new LineSplitter((text, at) => this.add('rx', text, at));
    const splitter = this.splitter;
    lease.onData((chunk) => splitter.push(chunk));
    lease.onClose((info) => {
      splitter.flush();
      splitter.dispose();
      if (this.lease === lease) {
        this.lease = null;
        this.add('info', info.disconnected ? `${path} disconnected (cable pulled?)` : `${path} closed`);
        this.emitStatus();
      }
    });
    this.add('info', `opened ${path} at ${baudRate} baud`);
    this.emitStatus();
    return { ok: true };
  }

  async send(text: string, lineEnding: '\n' | '\r\n' | '' = '\n'): Promise<MonitorResult> {
    const lease = this.lease;
    if (!lease) return { ok: false, code: 'not-open', message: 'the monitor is not connected to a port' };
    if (text.length > 1024) return { ok: false, code: 'bad-request', message: 'line longer than 1024 characters' };
    await lease.write(Buffer.from(text + lineEnding, 'utf8'));
    this.add('tx', text);
    return { ok: true };
  }

  async stop(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    await lease.close();
  }

  clear(): void {
    this.history.length = 0;
    this.shed = 0;
  }

  private add(dir: MonitorLine['dir'], text: string, at = Date.now()): void {
    const line: MonitorLine = { seq: ++this.seq, at, dir, text };
    this.history.push(line);
    if (this.history.length > this.maxLines) {
      this.history.shift();
      this.shed++;
    }
    for (const l of this.listeners) l(line);
  }

  private emitStatus(): void {
    const s = this.status();
    for (const l of this.statusListeners) l(s);
  }
}
