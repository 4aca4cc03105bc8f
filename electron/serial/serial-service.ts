/**
 * The serial bench service: the one owner of everything serial in the main process — the port owner, the staged
 * firmware, the running flash or configuration job, the arrival watch and the monitor. Jobs run in the
 * background and report through `emit`; requests only start, cancel or read them.
 */
import { flash } from './flasher.js';
import { PortOwner, type PortLease } from './port-owner.js';
import { listPorts, type PortListing } from './port-list.js';
import { loadStub, type StubLoad } from './stub.js';
import { hostIPv4 } from './host-address.js';
import { FirmwareStore, MAX_FILE_BYTES, UPLOAD_CHUNK_BYTES } from './firmware-store.js';
import { SerialMonitor, MONITOR_BAUD_RATES, type MonitorLine } from './serial-monitor.js';
import { configureTasmota } from './tasmota-config.js';
import { ImprovClient } from './improv.js';
import { tasmotaClientId, watchArrival, type ArrivalWatch, type BrokerEventSource } from './board-arrival.js';
import type { ResetLines } from './reset-lines.js';
import type {
  ArrivalDto,
  ChipInfoDto,
  ConfigJobDto,
  FlashJobDto,
  FlashRequestDto,
  FlashStateDto,
  MonitorLineDto,
  MonitorStatusDto,
  PortListingDto,
  SerialSnapshotDto,
  TasmotaSettingsDto,
} from '../contract/serial.js';

export const FLASH_LOG_LINES = 200;
export const CONFIG_TRANSCRIPT_LINES = 300;
export const FLASH_BAUD_RATES = [115200, 230400, 460800, 921600];
/** progress events at most this often; state changes always go out */
const PROGRESS_EVERY_MS = 100;
const MONITOR_BATCH_MS = 100;
/** monitor lines per event batch; more are left for the next batch (counted in the status' shed if evicted) */
const MONITOR_BATCH_LINES = 500;
export const DEFAULT_ARRIVAL_TIMEOUT_MS = 120_000;

export class SerialRejection extends Error {
  constructor(
    readonly code: 'bad-request' | 'not-found' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface SerialEmit {
  flash(job: FlashJobDto): void;
  config(job: ConfigJobDto): void;
  arrival(a: ArrivalDto): void;
  monitor(batch: { lines: MonitorLineDto[]; status: MonitorStatusDto }): void;
}

export interface SerialServiceOptions {
  /** broker events for the arrival watch; null when the broker is not running */
  broker: BrokerEventSource | null;
  mqttPort: () => number | null;
  emit: SerialEmit;
  listPorts?: () => Promise<PortListing>;
  /** DTR/RTS of a port; the real ioctl by default (the seam a test replaces with a simulated board's wires) */
  resetLines?: (lease: PortLease) => ResetLines;
  loadStub?: () => Promise<StubLoad>;
  hostAddress?: () => string | null;
  /** how long a flash keeps syncing while the user resets the board by hand */
  manualWindowMs?: number;
}

export class SerialService {
  readonly owner = new PortOwner();
  private readonly files = new FirmwareStore();
  private readonly monitor: SerialMonitor;
  private flashJob: FlashJobDto | null = null;
  private configJob: ConfigJobDto | null = null;
  private arrival: ArrivalDto = { status: 'idle' };
  private arrivalWatch: ArrivalWatch | null = null;
  private arrivalGen = 0;
  private abort: AbortController | null = null;
  private nextJob = 1;
  /** chip identity per port from the last flash: Tasmota's client id is derived from it */
  private readonly chips = new Map<string, ChipInfoDto>();
  private pendingLines: MonitorLine[] = [];
  private monitorTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: SerialServiceOptions) {
    this.monitor = new SerialMonitor(this.owner);
    this.monitor.onLine((l) => this.queueMonitorLine(l));
    this.monitor.onStatus(() => this.queueMonitorLine(null));
  }

  snapshot(): SerialSnapshotDto {
    return {
      flash: this.flashJob,
      config: this.configJob,
      arrival: this.arrival,
      monitor: this.monitor.status(),
      hostAddress: (this.o.hostAddress ?? (() => hostIPv4()))(),
      mqttPort: this.o.mqttPort(),
      monitorBaudRates: [...MONITOR_BAUD_RATES],
      flashBaudRates: [...FLASH_BAUD_RATES],
      uploadChunkBytes: UPLOAD_CHUNK_BYTES,
      maxFileBytes: MAX_FILE_BYTES,
    };
  }

  async ports(): Promise<PortListingDto> {
    const l = await (this.o.listPorts ?? listPorts)();
    return {
      ports: l.ports.map((p) => ({
        path: p.path,
        byId: p.byId ?? null,
        vendorId: p.vendorId ?? null,
        productId: p.productId ?? null,
        manufacturer: p.manufacturer ?? null,
        product: p.product ?? null,
        serialNumber: p.serialNumber ?? null,
        bridge: p.bridge ?? null,
      })),
      error: l.error ?? null,
      fallbackUsed: l.fallbackUsed,
      hints: l.hints,
    };
  }

  get firmware(): FirmwareStore {
    return this.files;
  }

  private busy(): string | null {
    if (this.flashJob?.running) return 'a flash is running; cancel it or wait';
    if (this.configJob?.running) return 'a configuration is running; cancel it or wait';
    return null;
  }

  /** Free the port from the monitor before a job needs it (the user asked for the job, not for two readers). */
  private async takeFromMonitor(path: string): Promise<void> {
    if (this.monitor.status().path === path) await this.monitor.stop();
  }

  startFlash(req: FlashRequestDto): { jobId: number } {
    const busy = this.busy();
    if (busy) throw new SerialRejection('unavailable', busy);
    const files = req.files.map((f) => ({ ...this.files.get(f.fileId), address: f.address }));
    const jobId = this.nextJob++;
    const job: FlashJobDto = { jobId, path: req.path, startedAt: Date.now(), running: true, state: { state: 'idle' }, chip: null, log: [] };
    this.flashJob = job;
    const abort = new AbortController();
    this.abort = abort;
    let lastProgress = 0;
    let lease: PortLease | null = null;
    const publish = (): void => this.o.emit.flash({ ...job, log: [...job.log] });
    const onState = (s: FlashStateDto): void => {
      job.state = s;
      if (s.state === 'done') {
        job.chip = s.chip;
        this.chips.set(req.path, s.chip);
      }
      const now = Date.now();
      if (s.state === 'writing' && now - lastProgress < PROGRESS_EVERY_MS && s.written < s.total) return;
      lastProgress = now;
      publish();
    };
    void (async () => {
      await this.takeFromMonitor(req.path);
      const result = await flash(
        { path: req.path, files, baudRate: req.baudRate, before: req.before, eraseAll: req.eraseAll, ...(this.o.manualWindowMs !== undefined ? { manualWindowMs: this.o.manualWindowMs } : {}) },
        {
          openLink: async (p, b) => {
            const r = await this.owner.open(p, b, 'flash');
            if (r.ok) lease = r.link;
            return r;
          },
          resetLines: () => ({
            set: (l) => (lease ? (this.o.resetLines ? this.o.resetLines(lease) : lease.resetLines()).set(l) : Promise.resolve({ ok: false as const, message: 'port not open' })),
          }),
          loadStub: this.o.loadStub ?? (() => loadStub()),
        },
        {
          onState,
          onLog: (l) => {
            job.log.push({ at: Date.now(), level: l.level, message: l.message });
            if (job.log.length > FLASH_LOG_LINES) job.log.shift();
          },
        },
        abort.signal,
      );
      job.state = result;
      job.running = false;
      if (this.abort === abort) this.abort = null;
      publish();
    })();
    return { jobId };
  }

  cancel(): { cancelled: boolean } {
    const running = this.abort !== null || this.arrivalWatch !== null;
    this.abort?.abort();
    this.arrivalWatch?.cancel();
    return { cancelled: running };
  }

  /** Tasmota over its console, plus the arrival watch for the same board (it may connect before the job ends). */
  configureTasmota(path: string, settings: TasmotaSettingsDto): { jobId: number } {
    const busy = this.busy();
    if (busy) throw new SerialRejection('unavailable', busy);
    const chip = this.chips.get(path);
    this.startArrival({ ...(chip ? { clientId: tasmotaClientId(chip.chipId) } : {}), topic: settings.topic }, DEFAULT_ARRIVAL_TIMEOUT_MS);
    return this.runConfig('tasmota', path, async (lease, job, signal) => {
      const out = await configureTasmota(
        lease,
        { ...settings, ...(settings.mqttUser ? {} : { mqttUser: undefined }), ...(settings.mqttPassword ? {} : { mqttPassword: undefined }) },
        {
          followMs: 30_000,
          signal,
          onLine: (l) => {
            job.transcript.push(l);
            if (job.transcript.length > CONFIG_TRANSCRIPT_LINES) job.transcript.shift();
          },
        },
      );
      Object.assign(job, {
        ok: out.ok,
        code: out.code ?? null,
        message: out.message,
        checks: out.checks,
        wifi: out.wifi,
        mqtt: out.mqtt,
        mqttDetail: out.mqttDetail ?? null,
      });
      if (!out.ok) this.arrivalWatch?.cancel();
    });
  }

  provisionImprov(path: string, ssid: string, password: string): { jobId: number } {
    const busy = this.busy();
    if (busy) throw new SerialRejection('unavailable', busy);
    return this.runConfig('improv', path, async (lease, job, signal) => {
      const client = new ImprovClient(lease, signal);
      try {
        const improv = { state: null as string | null, firmware: null as string | null, version: null as string | null, deviceName: null as string | null, url: null as string | null };
        job.improv = improv;
        const state = await client.requestState();
        if (!state.ok) return void Object.assign(job, { ok: false, code: state.code, message: state.message });
        improv.state = state.value;
        const info = await client.deviceInfo();
        if (info.ok) Object.assign(improv, { firmware: info.value.firmware, version: info.value.version, deviceName: info.value.name });
        this.emitConfig(job);
        // ESPHome connects with its node name as client id and `<name>/status` as will topic
        if (improv.deviceName) this.startArrival({ clientId: improv.deviceName, topic: improv.deviceName }, DEFAULT_ARRIVAL_TIMEOUT_MS);
        const r = await client.provision(ssid, password);
        if (!r.ok) {
          this.arrivalWatch?.cancel();
          return void Object.assign(job, { ok: false, code: r.code, message: r.message });
        }
        Object.assign(improv, { state: 'provisioned', url: r.value.url });
        Object.assign(job, { ok: true, code: null, message: 'Wi-Fi settings accepted; the device joined the network', wifi: 'connected' });
      } finally {
        client.dispose();
      }
    });
  }

  private runConfig(kind: 'tasmota' | 'improv', path: string, work: (lease: PortLease, job: ConfigJobDto, signal: AbortSignal) => Promise<void>): { jobId: number } {
    const jobId = this.nextJob++;
    const job: ConfigJobDto = { jobId, kind, path, running: true, ok: null, code: null, message: 'opening the port', checks: [], wifi: 'unknown', mqtt: 'unknown', mqttDetail: null, improv: null, transcript: [] };
    this.configJob = job;
    const abort = new AbortController();
    this.abort = abort;
    this.emitConfig(job);
    void (async () => {
      try {
        await this.takeFromMonitor(path);
        const r = await this.owner.open(path, 115200, 'configure');
        if (!r.ok) {
          Object.assign(job, { ok: false, code: r.code, message: r.message });
          return;
        }
        job.message = kind === 'tasmota' ? 'talking to the Tasmota console' : 'talking Improv';
        this.emitConfig(job);
        try {
          await work(r.link, job, abort.signal);
        } finally {
          await r.link.close();
        }
      } catch (err) {
        Object.assign(job, { ok: false, code: 'internal', message: err instanceof Error ? err.message : String(err) });
      } finally {
        job.running = false;
        if (this.abort === abort) this.abort = null;
        this.emitConfig(job);
      }
    })();
    return { jobId };
  }

  private emitConfig(job: ConfigJobDto): void {
    this.o.emit.config({ ...job, checks: [...job.checks], transcript: [...job.transcript], improv: job.improv ? { ...job.improv } : null });
  }

  startArrival(expect: { clientId?: string; topic?: string }, timeoutMs: number): ArrivalDto {
    const gen = ++this.arrivalGen;
    this.arrivalWatch?.cancel();
    if (!this.o.broker) {
      this.setArrival({ status: 'never-connected', refusedOthers: 0, message: 'the broker is not running, so no board can connect to it' });
      return this.arrival;
    }
    const watch = watchArrival(this.o.broker, expect, { timeoutMs, telemetryTimeoutMs: 60_000 }, (s) => {
      // a newer watch replaced this one: its late updates must not overwrite the newer state
      if (gen !== this.arrivalGen) return;
      this.setArrival(s.status === 'waiting' ? { status: 'waiting', since: s.since, clientId: expect.clientId ?? null, topic: expect.topic ?? null } : s);
    });
    this.arrivalWatch = watch;
    void watch.result.then(() => {
      if (this.arrivalWatch === watch) this.arrivalWatch = null;
    });
    return this.arrival;
  }

  private setArrival(a: ArrivalDto): void {
    this.arrival = a;
    this.o.emit.arrival(a);
  }

  async monitorStart(path: string, baudRate: number): Promise<MonitorStatusDto> {
    if (this.owner.holder(path) && this.owner.holder(path) !== 'monitor') throw new SerialRejection('unavailable', `${path} is in use by a running job`);
    const r = await this.monitor.start(path, baudRate);
    if (!r.ok) throw new SerialRejection(r.code === 'bad-request' ? 'bad-request' : 'unavailable', r.message);
    return this.monitor.status();
  }

  async monitorStop(): Promise<MonitorStatusDto> {
    await this.monitor.stop();
    return this.monitor.status();
  }

  async monitorSend(text: string, lineEnding: 'lf' | 'crlf' | 'none'): Promise<void> {
    const r = await this.monitor.send(text, lineEnding === 'lf' ? '\n' : lineEnding === 'crlf' ? '\r\n' : '');
    if (!r.ok) throw new SerialRejection(r.code === 'bad-request' ? 'bad-request' : 'unavailable', r.message);
  }

  monitorLines(sinceSeq: number): { lines: MonitorLineDto[]; shed: number } {
    return this.monitor.lines(sinceSeq);
  }

  /** Monitor lines go out in batches: one event per MONITOR_BATCH_MS, whatever the board prints. */
  private queueMonitorLine(line: MonitorLine | null): void {
    if (this.closed) return;
    if (line) {
      this.pendingLines.push(line);
      // bounded: a flood beyond the history's size would be shed by the history anyway
      if (this.pendingLines.length > 2000) this.pendingLines.splice(0, this.pendingLines.length - 2000);
    }
    if (this.monitorTimer) return;
    this.monitorTimer = setTimeout(() => {
      this.monitorTimer = null;
      const lines = this.pendingLines.splice(0, MONITOR_BATCH_LINES);
      this.o.emit.monitor({ lines, status: this.monitor.status() });
      if (this.pendingLines.length > 0) this.queueMonitorLine(null);
    }, MONITOR_BATCH_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort?.abort();
    this.arrivalWatch?.cancel();
    if (this.monitorTimer) clearTimeout(this.monitorTimer);
    await this.monitor.stop();
    await this.owner.closeAll();
  }
}
