/**
 * The simulated board: reset circuit, ROM boot, loader/stub, and the flashed firmware. Pure logic over a byte
 * sink — main.ts connects it to one end of a socat pty pair; a test never talks to it except through that pty and
 * the control socket (which stands in for the USB bridge's DTR/RTS wires and the cable itself).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SimConfig } from './config.js';
import { FlashMemory } from './flash-memory.js';
import { Registers, efuseWordsFor } from './registers.js';
import { LoaderSim, type StubBytes } from './loader-sim.js';
import { PacedWire } from './wire.js';
import { TasmotaSim } from './tasmota-sim.js';
import { EsphomeSim } from './esphome-sim.js';
import type { Firmware, FirmwareHost } from './firmware-host.js';

export type DeviceMode = 'reset' | 'rom' | 'stub' | 'firmware' | 'halted';

/** The simulator's own SLIP reader (independent of the product's, so a shared bug cannot hide). */
class SimSlip {
  private frame: number[] | null = null;
  private esc = false;
  constructor(private readonly onFrame: (f: Buffer) => void) {}
  push(bytes: Buffer): void {
    for (const b of bytes) {
      if (b === 0xc0) {
        if (this.frame && this.frame.length > 0) this.onFrame(Buffer.from(this.frame));
        this.frame = [];
        this.esc = false;
      } else if (this.frame) {
        if (this.esc) {
          this.frame.push(b === 0xdc ? 0xc0 : b === 0xdd ? 0xdb : b);
          this.esc = false;
        } else if (b === 0xdb) this.esc = true;
        else if (this.frame.length < 70_000) this.frame.push(b);
      }
    }
  }
  reset(): void {
    this.frame = null;
    this.esc = false;
  }
}

function slipWrap(payload: Buffer): Buffer {
  const out: number[] = [0xc0];
  for (const b of payload) {
    if (b === 0xc0) out.push(0xdb, 0xdc);
    else if (b === 0xdb) out.push(0xdb, 0xdd);
    else out.push(b);
  }
  out.push(0xc0);
  return Buffer.from(out);
}

/** Text sent at one baud rate and read at another arrives as garbage; deterministic so tests are repeatable. */
export function garble(text: Buffer): Buffer {
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) out[i] = (text[i]! * 131 + i * 29 + 0x5b) & 0xff;
  return out;
}

export function loadStubBytes(): StubBytes | null {
  try {
    const file = createRequire(import.meta.url).resolve('esptool-js/lib/targets/stub_flasher/esp8266.json');
    const j = JSON.parse(readFileSync(file, 'utf8')) as { text: string; text_start: number; data: string; data_start: number; entry: number };
    return { text: Buffer.from(j.text, 'base64'), textStart: j.text_start, data: Buffer.from(j.data, 'base64'), dataStart: j.data_start, entry: j.entry };
  } catch {
    return null;
  }
}

export interface DeviceIo {
  write(bytes: Buffer): void;
  event(name: string, data?: Record<string, unknown>): void;
  unplug(): void;
}

export class SimDevice {
  mode: DeviceMode = 'reset';
  readonly flash: FlashMemory;
  readonly wire: PacedWire;
  private regs: Registers;
  private loader: LoaderSim | null = null;
  private firmware: Firmware | null = null;
  private readonly slip = new SimSlip((f) => this.enqueue(f));
  private chain: Promise<void> = Promise.resolve();
  private dtr = false;
  private rts = false;
  private enHigh = true;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stub = loadStubBytes();
  private readonly chipId: number;
  /** firmware settings, kept across restarts (Tasmota/ESPHome store them in flash) */
  readonly settings: Record<string, string | number> = {};
  private generation = 0;

  constructor(
    readonly config: SimConfig,
    flashPath: string,
    private readonly io: DeviceIo,
  ) {
    this.flash = new FlashMemory(flashPath, config.flashSize);
    this.wire = new PacedWire((b) => this.io.write(b), (b) => this.onWire(b), () => this.config.pace, config.initialBaud);
    this.regs = new Registers(config, () => this.wire.baudRate);
    const e = efuseWordsFor(config.mac, config.chip === 'esp8285');
    this.chipId = ((e[0] >>> 24) | ((e[1] & 0xffffff) << 8)) >>> 0;
  }

  powerOn(): void {
    this.boot(this.config.bootMode === 'download', 'power on');
  }

  /** Raw bytes from the pty; they reach the chip after their wire time. */
  receive(bytes: Buffer): void {
    this.wire.receive(bytes);
  }

  /**
   * DTR/RTS from the host, through the usual two-transistor auto-reset circuit (esptool boot-mode-selection.rst):
   * EN is low only while RTS is asserted and DTR is not; GPIO0 is low only while DTR is asserted and RTS is not.
   */
  setLines(dtr: boolean, rts: boolean): void {
    this.dtr = dtr;
    this.rts = rts;
    const enHigh = !(rts && !dtr);
    const gpio0Low = dtr && !rts;
    this.io.event('lines', { dtr, rts, en: enHigh, gpio0: gpio0Low ? 0 : 1 });
    if (!this.config.autoResetCircuit) return;
    if (!enHigh && this.enHigh) this.holdInReset();
    if (enHigh && !this.enHigh) this.boot(gpio0Low, 'EN released');
    this.enHigh = enHigh;
  }

  private holdInReset(): void {
    this.stopAll();
    this.mode = 'reset';
    this.io.event('mode', { mode: this.mode });
  }

  private stopAll(): void {
    this.generation++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.firmware?.stop();
    this.firmware = null;
    this.loader = null;
    this.slip.reset();
    this.wire.clearOutput();
  }

  private boot(download: boolean, reason: string): void {
    this.stopAll();
    this.wire.setBaud(this.config.initialBaud);
    if (this.config.faults.dead) {
      this.mode = 'halted';
      this.io.event('mode', { mode: this.mode, reason });
      return;
    }
    // [boot-mode-selection.rst] the ROM prints its banner at 74880 baud with a 26 MHz crystal
    const bannerBaud = this.config.crystalMHz === 26 ? 74880 : 115200;
    this.printAt(`\r\n ets Jan  8 2013,rst cause:2, boot mode:(${download ? '1,6' : '3,6'})\r\n\r\n`, bannerBaud);
    if (download) {
      this.mode = 'rom';
      this.loader = this.makeLoader();
      this.io.event('mode', { mode: this.mode, reason });
      return;
    }
    this.startFirmware(reason, bannerBaud);
  }

  private startFirmware(reason: string, bannerBaud: number): void {
    this.mode = 'firmware';
    this.io.event('mode', { mode: this.mode, reason });
    const head = this.flash.read(0, 8);
    if (head[0] !== 0xe9 || head[1] === 0 || head[1]! > 16) {
      this.printAt(`\r\nets_main.c\r\nbad image header 0x${head[0]!.toString(16)}\r\n`, bannerBaud);
      this.io.event('firmware', { started: false });
      return;
    }
    this.printAt('load 0x4010f000, len 3460, room 16\r\ntail 4\r\nchksum 0xcc\r\ncsum 0xcc\r\n', bannerBaud);
    this.wire.setBaud(115200);
    const host = this.firmwareHost();
    this.firmware = this.config.firmware === 'tasmota' ? new TasmotaSim(host) : this.config.firmware === 'esphome' ? new EsphomeSim(host) : null;
    this.io.event('firmware', { started: true, kind: this.config.firmware });
    const firmware = this.firmware;
    this.later(() => firmware?.boot(), 30);
  }

  private firmwareHost(): FirmwareHost {
    const gen = this.generation;
    return {
      config: this.config,
      chipId: this.chipId,
      mac: this.config.mac,
      settings: this.settings,
      print: (text) => {
        if (gen === this.generation) this.printAt(text, 115200);
      },
      printBytes: (bytes) => {
        if (gen === this.generation) this.sendRaw(bytes, 115200);
      },
      restart: (reason) => {
        if (gen === this.generation) this.boot(false, `software restart: ${reason}`);
      },
      event: (name, data) => this.io.event(name, data),
      setTimer: (fn, ms) => {
        if (gen === this.generation) this.later(fn, ms);
      },
    };
  }

  private makeLoader(): LoaderSim {
    return new LoaderSim({
      config: this.config,
      flash: this.flash,
      regs: this.regs,
      stub: this.stub,
      sendFrame: (payload) => {
        const frame = slipWrap(payload);
        const latency = this.config.replyLatencyMs;
        if (latency > 0) this.later(() => this.wire.send(frame), latency);
        else this.wire.send(frame);
      },
      setLinkBaud: (baud) => this.wire.setBaud(baud),
      linkBaud: () => this.wire.baudRate,
      runFirmware: (reason) => {
        const bannerBaud = this.config.crystalMHz === 26 ? 74880 : 115200;
        this.stopAll();
        this.startFirmware(reason, bannerBaud);
      },
      event: (name, data) => this.io.event(name, data),
      sleep: (ms) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve()),
      unplug: () => this.io.unplug(),
    });
  }

  private onWire(bytes: Buffer): void {
    if (this.mode === 'rom' || this.mode === 'stub') this.slip.push(bytes);
    else if (this.mode === 'firmware') this.firmware?.input(bytes);
  }

  private enqueue(frame: Buffer): void {
    const loader = this.loader;
    if (!loader) return;
    const gen = this.generation;
    this.chain = this.chain
      .then(async () => {
        if (gen !== this.generation) return;
        await loader.handle(frame);
        if (loader.mode === 'stub' && this.mode === 'rom' && gen === this.generation) {
          this.mode = 'stub';
          this.io.event('mode', { mode: this.mode });
        }
      })
      .catch((err: unknown) => this.io.event('error', { message: err instanceof Error ? err.message : String(err) }));
  }

  /** Text the chip prints at `baud`; garbage if the host's port is set to another rate. */
  printAt(text: string, baud: number): void {
    this.sendRaw(Buffer.from(text, 'latin1'), baud);
  }

  private sendRaw(bytes: Buffer, baud: number): void {
    this.wire.send(baud === this.config.hostBaud ? bytes : garble(bytes));
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  status(): Record<string, unknown> {
    return {
      mode: this.mode,
      baud: this.wire.baudRate,
      dtr: this.dtr,
      rts: this.rts,
      bytesIn: this.wire.bytesIn,
      bytesOut: this.wire.bytesOut,
      erasedSectors: this.flash.erasedSectors,
      programmedBytes: this.flash.programmedBytes,
      dataBlocksAcked: this.loader?.dataBlocksAcked ?? 0,
    };
  }

  close(): void {
    this.stopAll();
    this.wire.close();
    this.flash.close();
  }
}
