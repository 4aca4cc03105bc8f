/**
 * The serial view's state in the renderer: ports, staged firmware files, the flash and configuration jobs, the
 * board's arrival and the monitor — all owned by the main process and mirrored here from one snapshot plus the
 * `serial.*` events. Firmware goes to the main process in chunks (the page can read a chosen file but has no path
 * the main process could open); nothing but the chunk in flight is held here.
 */
import type {
  ArrivalDto,
  ConfigJobDto,
  FirmwareFileDto,
  FlashJobDto,
  MonitorLineDto,
  MonitorStatusDto,
  PortListingDto,
  SerialSnapshotDto,
  TasmotaSettingsDto,
} from '../../../electron/contract/index.js';
import type { Transport } from '../lib/transport.js';

/** monitor lines kept by the page (the main process keeps its own bounded history) */
export const PAGE_MONITOR_LINES = 1000;

export interface StagedFile {
  file: FirmwareFileDto;
  /** hex or decimal, as typed */
  address: string;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}

export function parseAddress(text: string): number | null {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

export class SerialState {
  snapshot = $state<SerialSnapshotDto | null>(null);
  ports = $state<PortListingDto | null>(null);
  portsLoading = $state(false);
  /** the port the user picked from the list or typed */
  path = $state('');
  files = $state<StagedFile[]>([]);
  upload = $state<{ name: string; sent: number; total: number } | null>(null);
  flashJob = $state<FlashJobDto | null>(null);
  configJob = $state<ConfigJobDto | null>(null);
  arrival = $state<ArrivalDto>({ status: 'idle' });
  monitor = $state<MonitorStatusDto>({ open: false, path: null, baudRate: null, shed: 0 });
  monitorLines = $state<MonitorLineDto[]>([]);
  /** lines the page dropped from its own list */
  pageShed = $state(0);
  error = $state<string | null>(null);

  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  get busy(): boolean {
    return this.flashJob?.running === true || this.configJob?.running === true;
  }

  start(): () => void {
    const c = this.#transport.client;
    const offs = [
      c.subscribe('serial.flash', (j) => (this.flashJob = j)),
      c.subscribe('serial.config', (j) => (this.configJob = j)),
      c.subscribe('serial.arrival', (a) => (this.arrival = a)),
      c.subscribe('serial.monitor', ({ lines, status }) => {
        this.monitor = status;
        if (lines.length > 0) this.#addLines(lines);
      }),
      this.#transport.watch((s) => {
        if (s.state === 'open') void this.reload();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async reload(): Promise<void> {
    try {
      const snap = await this.#transport.client.invoke('serial.snapshot', {});
      this.snapshot = snap;
      this.flashJob = snap.flash;
      this.configJob = snap.config;
      this.arrival = snap.arrival;
      this.monitor = snap.monitor;
      const { lines } = await this.#transport.client.invoke('serial.monitorLines', { sinceSeq: 0 });
      this.monitorLines = [];
      this.#addLines(lines);
      if (!this.ports) await this.refreshPorts();
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async refreshPorts(): Promise<void> {
    this.portsLoading = true;
    try {
      this.ports = await this.#transport.client.invoke('serial.ports', {});
      if (!this.path && this.ports.ports[0]) this.path = this.ports.ports[0].path;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.portsLoading = false;
    }
  }

  #addLines(lines: MonitorLineDto[]): void {
    const last = this.monitorLines.at(-1)?.seq ?? 0;
    const fresh = lines.filter((l) => l.seq > last);
    if (fresh.length === 0) return;
    const all = [...this.monitorLines, ...fresh];
    const over = all.length - PAGE_MONITOR_LINES;
    if (over > 0) this.pageShed += over;
    this.monitorLines = over > 0 ? all.slice(over) : all;
  }

  /** Send a file the user picked to the main process in chunks. */
  async addFile(file: File): Promise<void> {
    const chunkBytes = this.snapshot?.uploadChunkBytes ?? 512 * 1024;
    const max = this.snapshot?.maxFileBytes ?? 16 << 20;
    if (file.size === 0 || file.size > max) {
      this.error = `${file.name}: firmware must be 1 byte to ${max >> 20} MB`;
      return;
    }
    this.upload = { name: file.name, sent: 0, total: file.size };
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let staged: FirmwareFileDto | null = null;
      for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
        const chunk = bytes.subarray(offset, offset + chunkBytes);
        staged = await this.#transport.client.invoke('serial.upload', {
          ...(staged ? { fileId: staged.fileId } : {}),
          name: file.name,
          size: bytes.length,
          offset,
          dataBase64: toBase64(chunk),
        });
        this.upload = { name: file.name, sent: offset + chunk.length, total: bytes.length };
      }
      if (staged) this.#stage(staged);
      this.error = null;
    } catch (err) {
      this.error = `${file.name}: ${errorText(err)}`;
    } finally {
      this.upload = null;
    }
  }

  async addHostFile(path: string): Promise<void> {
    try {
      this.#stage(await this.#transport.client.invoke('serial.useHostFile', { path }));
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  #stage(file: FirmwareFileDto): void {
    const address = this.files.length === 0 ? '0x0' : '0x100000';
    this.files = [...this.files, { file, address }];
  }

  removeFile(index: number): void {
    this.files = this.files.filter((_, i) => i !== index);
  }

  async flash(opts: { baudRate: number; before: 'default-reset' | 'no-reset'; eraseAll: boolean }): Promise<void> {
    const files: Array<{ fileId: string; address: number }> = [];
    for (const f of this.files) {
      const address = parseAddress(f.address);
      if (address === null) {
        this.error = `${f.file.name}: "${f.address}" is not an address (use 0x… or decimal)`;
        return;
      }
      files.push({ fileId: f.file.fileId, address });
    }
    try {
      await this.#transport.client.invoke('serial.flash', { path: this.path.trim(), files, ...opts });
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async cancel(): Promise<void> {
    await this.#transport.client.invoke('serial.cancel', {}).catch((err: unknown) => (this.error = errorText(err)));
  }

  async configureTasmota(settings: TasmotaSettingsDto): Promise<void> {
    try {
      await this.#transport.client.invoke('serial.configureTasmota', { path: this.path.trim(), settings });
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async provisionImprov(ssid: string, password: string): Promise<void> {
    try {
      await this.#transport.client.invoke('serial.provisionImprov', { path: this.path.trim(), ssid, password });
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async monitorStart(baudRate: number): Promise<void> {
    try {
      this.monitor = await this.#transport.client.invoke('serial.monitorStart', { path: this.path.trim(), baudRate });
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async monitorStop(): Promise<void> {
    try {
      this.monitor = await this.#transport.client.invoke('serial.monitorStop', {});
    } catch (err) {
      this.error = errorText(err);
    }
  }

  async monitorSend(text: string, lineEnding: 'lf' | 'crlf' | 'none'): Promise<boolean> {
    try {
      await this.#transport.client.invoke('serial.monitorSend', { text, lineEnding });
      return true;
    } catch (err) {
      this.error = errorText(err);
      return false;
    }
  }

  clearMonitor(): void {
    this.monitorLines = [];
    this.pageShed = 0;
  }
}
