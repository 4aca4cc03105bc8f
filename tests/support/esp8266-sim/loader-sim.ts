/**
 * The ESP8266 ROM serial loader and the esp-flasher-stub, as seen on the wire. It does not execute code: after a
 * MEM_END whose entry point is the stub's and whose RAM holds the stub's bytes, it switches to the stub's
 * behaviour and says OHAI. Byte layouts: esptool serial-protocol.rst; real ROM replies from esptool issues
 * #397/#620 (SYNC `01 08 02 00 07 07 12 20 00 00`); stub behaviour from esp-flasher-stub command_handler.c.
 */
import { createHash } from 'node:crypto';
import { createInflate, type Inflate } from 'node:zlib';
import type { SimConfig } from './config.js';
import type { FlashMemory } from './flash-memory.js';
import { SECTOR } from './flash-memory.js';
import type { Registers } from './registers.js';

export interface StubBytes {
  text: Buffer;
  textStart: number;
  data: Buffer;
  dataStart: number;
  entry: number;
}

export interface LoaderHost {
  readonly config: SimConfig;
  readonly flash: FlashMemory;
  readonly regs: Registers;
  readonly stub: StubBytes | null;
  sendFrame(payload: Buffer): void;
  /** switch the link after everything queued so far has left at the old rate */
  setLinkBaud(baud: number): void;
  linkBaud(): number;
  runFirmware(reason: string): void;
  event(name: string, data?: Record<string, unknown>): void;
  sleep(ms: number): Promise<void>;
  unplug(): void;
}

const SYNC_VALUE = 0x20120707;
const ROM_ERR = { INVALID: 0x05, FAILED: 0x06, CHECKSUM: 0x07, FLASH_WRITE: 0x08 } as const;
const STUB_ERR = { BAD_DATA_LEN: 0xc0, BAD_CHECKSUM: 0xc1, INVALID_COMMAND: 0xc3, FAILED_SPI_OP: 0xc4, NOT_IN_FLASH_MODE: 0xc6, INFLATE: 0xc7 } as const;

interface FlashOp {
  offset: number;
  blockSize: number;
  numBlocks: number;
  /** stub: bytes still expected (data beyond it is padding and ignored) */
  remaining: number;
  /** stub: running write address */
  writeAt: number;
  /** stub: end of the region whose erase time has been charged (it erases just ahead of the data) */
  erasedTo: number;
  inflate?: Inflate;
  inflated?: Buffer[];
}

/** The ROM's erase rule as inferred from esptool's workaround (ESP8266.md §4): e sectors asked → e + min(e, h) erased. */
export function romEraseSectors(offset: number, eraseSize: number): { first: number; count: number } {
  const e = Math.ceil(eraseSize / SECTOR);
  const first = Math.floor(offset / SECTOR);
  const h = 16 - (first % 16);
  return { first, count: e + Math.min(e, h) };
}

export class LoaderSim {
  mode: 'rom' | 'stub' = 'rom';
  private flashOp: FlashOp | null = null;
  private mem: { addr: number; size: number; blockSize: number; data: Buffer; filled: number } | null = null;
  private readonly ram = new Map<number, Buffer>();
  /** the stub reports a failed write on the *next* command (esp-flasher-stub accumulated_result) */
  private pendingStubError = 0;
  private corruptedOnce = new Set<number>();
  dataBlocksAcked = 0;
  private quiet = false;

  constructor(private readonly host: LoaderHost) {}

  async handle(frame: Buffer): Promise<void> {
    if (this.quiet || frame.length < 8 || frame[0] !== 0x00) return;
    const op = frame[1]!;
    const len = frame.readUInt16LE(2);
    const checksum = frame.readUInt32LE(4);
    const data = frame.subarray(8);
    if (data.length !== len) return this.fail(op, this.mode === 'stub' ? STUB_ERR.BAD_DATA_LEN : ROM_ERR.INVALID);
    if (this.mode === 'stub' && this.pendingStubError) {
      const code = this.pendingStubError;
      this.pendingStubError = 0;
      return this.fail(op, code);
    }
    switch (op) {
      case 0x08:
        return this.sync(data);
      case 0x0a:
        if (len !== 4) return this.fail(op, this.err('INVALID'));
        return this.reply(op, this.host.regs.read(data.readUInt32LE(0)));
      case 0x09:
        if (len === 0 || len % 16 !== 0) return this.fail(op, this.err('INVALID'));
        for (let i = 0; i < len; i += 16) this.host.regs.write(data.readUInt32LE(i), data.readUInt32LE(i + 4), data.readUInt32LE(i + 8));
        return this.reply(op);
      case 0x02:
        return this.flashBegin(op, data, false);
      case 0x03:
        return this.flashData(op, data, checksum);
      case 0x04:
        return this.flashEnd(op, data);
      case 0x05:
        return this.memBegin(data);
      case 0x07:
        return this.memData(data, checksum);
      case 0x06:
        return this.memEnd(data);
      default:
        if (this.mode === 'rom') return this.fail(op, ROM_ERR.INVALID);
        return this.stubOnly(op, data, checksum);
    }
  }

  private async stubOnly(op: number, data: Buffer, checksum: number): Promise<void> {
    switch (op) {
      case 0x0d:
      case 0x0b:
        return this.reply(op);
      case 0x0f: {
        if (data.length !== 8) return this.fail(op, STUB_ERR.BAD_DATA_LEN);
        const newBaud = data.readUInt32LE(0);
        this.reply(op);
        this.host.setLinkBaud(newBaud);
        this.host.event('baud', { baud: newBaud });
        return;
      }
      case 0x10:
        return this.flashBegin(op, data, true);
      case 0x11:
        return this.flashDeflData(op, data, checksum);
      case 0x12:
        return this.flashEnd(op, data);
      case 0x13: {
        const addr = data.readUInt32LE(0);
        const size = data.readUInt32LE(4);
        const md5 = createHash('md5').update(this.host.flash.read(addr, size)).digest();
        return this.reply(op, 0, md5);
      }
      case 0xd0:
        await this.host.sleep(this.host.config.eraseMsPerSector * Math.ceil(this.host.config.flashSize / SECTOR) / 16);
        this.host.flash.eraseAll();
        this.host.event('erase-all');
        return this.reply(op);
      default:
        return this.fail(op, STUB_ERR.INVALID_COMMAND);
    }
  }

  private sync(data: Buffer): void {
    if (data.length !== 36 || data[0] !== 0x07 || data[1] !== 0x07 || data[2] !== 0x12 || data[3] !== 0x20) return;
    // [proto.rst] the ROM answers SYNC 8 times with a non-zero value; the stub with value 0
    const value = this.mode === 'rom' ? SYNC_VALUE : 0;
    for (let i = 0; i < 8; i++) this.reply(0x08, value);
    this.host.event('sync', { mode: this.mode });
  }

  private async flashBegin(op: number, data: Buffer, compressed: boolean): Promise<void> {
    // the ROM rejects anything but exactly 16 bytes (no 5th "encrypted" word on the ESP8266)
    if (data.length !== 16) return this.fail(op, this.err('INVALID'));
    const size = data.readUInt32LE(0);
    const numBlocks = data.readUInt32LE(4);
    const blockSize = data.readUInt32LE(8);
    const offset = data.readUInt32LE(12);
    if (this.mode === 'rom') {
      const { first, count } = size === 0 ? { first: 0, count: 0 } : romEraseSectors(offset, size);
      await this.host.sleep(this.host.config.eraseMsPerSector * count);
      this.host.flash.eraseSectors(first, count);
      this.host.event('flash-begin', { mode: 'rom', offset, eraseSize: size, erasedFirst: first, erasedCount: count, numBlocks, blockSize });
      this.flashOp = { offset, blockSize, numBlocks, remaining: 0, writeAt: offset, erasedTo: offset };
      return this.reply(op);
    }
    // stub: erases exactly the sectors covering [offset, offset + size) (esp-flasher-stub s_init_flash_operation)
    const first = Math.floor(offset / SECTOR);
    const count = Math.ceil((offset + size) / SECTOR) - first;
    this.host.flash.eraseSectors(first, size === 0 ? 0 : count);
    this.host.event('flash-begin', { mode: 'stub', compressed, offset, size, erasedFirst: first, erasedCount: size === 0 ? 0 : count, numBlocks, blockSize });
    this.flashOp = { offset, blockSize, numBlocks, remaining: size, writeAt: offset, erasedTo: first * SECTOR };
    if (compressed) {
      const inflate = createInflate();
      const inflated: Buffer[] = [];
      inflate.on('data', (chunk: Buffer) => inflated.push(chunk));
      inflate.on('error', () => undefined);
      this.flashOp.inflate = inflate;
      this.flashOp.inflated = inflated;
    }
    this.reply(op);
  }

  /** Time the stub spends after acknowledging a block: erase just ahead of the data, then program it. */
  private async stubBusy(op_: FlashOp, bytes: number): Promise<void> {
    let sectors = 0;
    while (op_.erasedTo < op_.writeAt) {
      op_.erasedTo += SECTOR;
      sectors++;
    }
    await this.host.sleep(this.host.config.eraseMsPerSector * sectors + (this.host.config.programMsPerKb * bytes) / 1024);
  }

  /** Fault injection: flip one bit of the received data so its checksum no longer matches. */
  private maybeCorrupt(seq: number, payload: Buffer): Buffer {
    const f = this.host.config.faults;
    const once = f.corruptBlocksOnce?.includes(seq) && !this.corruptedOnce.has(seq);
    if (!f.corruptAllBlocks && !once) return payload;
    if (once) this.corruptedOnce.add(seq);
    const copy = Buffer.from(payload);
    if (copy.length > 0) copy[copy.length >> 1] = copy[copy.length >> 1]! ^ 0x10;
    this.host.event('corrupted', { seq });
    return copy;
  }

  private async flashData(op: number, data: Buffer, checksum: number): Promise<void> {
    const op_ = this.flashOp;
    if (!op_) return this.fail(op, this.mode === 'rom' ? ROM_ERR.FAILED : STUB_ERR.NOT_IN_FLASH_MODE);
    const len = data.readUInt32LE(0);
    const seq = data.readUInt32LE(4);
    const payload = this.maybeCorrupt(seq, data.subarray(16));
    if (payload.length !== len) return this.fail(op, this.err('INVALID'));
    if (xorChecksum(payload) !== checksum) return this.fail(op, this.mode === 'rom' ? ROM_ERR.CHECKSUM : STUB_ERR.BAD_CHECKSUM);
    if (this.mode === 'rom') {
      // the ROM programs the whole (0xFF-padded) block, reads it back and compares (proto.rst error 0x08)
      await this.host.sleep((this.host.config.programMsPerKb * payload.length) / 1024);
      const ok = this.host.flash.program(op_.offset + seq * op_.blockSize, payload);
      if (!ok) return this.fail(op, ROM_ERR.FLASH_WRITE);
      return this.ackData(op, seq);
    }
    // stub: answer first, program while the next block arrives; surplus padding beyond `remaining` is ignored
    const take = Math.min(payload.length, op_.remaining);
    this.ackData(op, seq);
    const ok = this.host.flash.program(op_.writeAt, payload.subarray(0, take));
    op_.writeAt += take;
    op_.remaining -= take;
    if (!ok) this.pendingStubError = STUB_ERR.FAILED_SPI_OP;
    await this.stubBusy(op_, take);
  }

  private async flashDeflData(op: number, data: Buffer, checksum: number): Promise<void> {
    const op_ = this.flashOp;
    if (!op_?.inflate || !op_.inflated) return this.fail(op, STUB_ERR.NOT_IN_FLASH_MODE);
    const len = data.readUInt32LE(0);
    const seq = data.readUInt32LE(4);
    const payload = this.maybeCorrupt(seq, data.subarray(16));
    if (payload.length !== len) return this.fail(op, STUB_ERR.BAD_DATA_LEN);
    if (xorChecksum(payload) !== checksum) return this.fail(op, STUB_ERR.BAD_CHECKSUM);
    this.ackData(op, seq);
    const inflate = op_.inflate;
    const ok = await new Promise<boolean>((resolve) => {
      inflate.write(payload, (err) => {
        if (err) return resolve(false);
        inflate.flush(() => resolve(true));
      });
    });
    if (!ok) {
      this.pendingStubError = STUB_ERR.INFLATE;
      return;
    }
    const out = Buffer.concat(op_.inflated.splice(0));
    const take = Math.min(out.length, op_.remaining);
    if (!this.host.flash.program(op_.writeAt, out.subarray(0, take))) this.pendingStubError = STUB_ERR.FAILED_SPI_OP;
    op_.writeAt += take;
    op_.remaining -= take;
    await this.stubBusy(op_, take);
  }

  private ackData(op: number, seq: number): void {
    const limit = this.host.config.faults.unplugAfterBlocks;
    if (limit !== undefined && this.dataBlocksAcked >= limit) {
      // the cable comes out before this block's reply: nothing more leaves the board
      this.quiet = true;
      this.host.event('unplug', { seq });
      this.host.unplug();
      return;
    }
    this.dataBlocksAcked++;
    this.host.event('data-block', { seq, mode: this.mode });
    this.reply(op);
  }

  private flashEnd(op: number, data: Buffer): void {
    if (data.length !== 4) return this.fail(op, this.err('INVALID'));
    const runUserCode = data.readUInt32LE(0) === 1;
    if (this.mode === 'rom') {
      this.reply(op);
      this.flashOp = null;
      // 0 = reboot, 1 = run user code: either way the firmware starts (GPIO0 is released by now)
      this.host.runFirmware(runUserCode ? 'run user code' : 'reboot');
      return;
    }
    if (!this.flashOp) return this.fail(op, STUB_ERR.NOT_IN_FLASH_MODE);
    if (this.flashOp.remaining !== 0) return this.fail(op, STUB_ERR.BAD_DATA_LEN);
    this.flashOp.inflate?.destroy();
    this.flashOp = null;
    // esp-flasher-stub: the reboot flag is a TODO, the stub keeps running
    this.reply(op);
  }

  private memBegin(data: Buffer): void {
    if (data.length !== 16) return this.fail(0x05, this.err('INVALID'));
    const size = data.readUInt32LE(0);
    const blockSize = data.readUInt32LE(8);
    const addr = data.readUInt32LE(12);
    this.mem = { addr, size, blockSize, data: Buffer.alloc(size), filled: 0 };
    this.reply(0x05);
  }

  private memData(data: Buffer, checksum: number): void {
    const m = this.mem;
    if (!m) return this.fail(0x07, this.err('FAILED'));
    const len = data.readUInt32LE(0);
    const seq = data.readUInt32LE(4);
    const payload = data.subarray(16);
    if (payload.length !== len) return this.fail(0x07, this.err('INVALID'));
    if (this.mode === 'rom' && xorChecksum(payload) !== checksum) return this.fail(0x07, ROM_ERR.CHECKSUM);
    payload.copy(m.data, seq * m.blockSize);
    m.filled += payload.length;
    if (m.filled >= m.size) this.ram.set(m.addr, m.data);
    this.reply(0x07);
  }

  private memEnd(data: Buffer): void {
    if (data.length !== 8) return this.fail(0x06, this.err('INVALID'));
    const noExec = data.readUInt32LE(0);
    const entry = data.readUInt32LE(4);
    this.reply(0x06);
    this.mem = null;
    if (noExec !== 0) return;
    const stub = this.host.stub;
    const isStub =
      stub !== null && entry === stub.entry && this.ram.get(stub.textStart)?.equals(stub.text) === true && this.ram.get(stub.dataStart)?.equals(stub.data) === true;
    if (!isStub) {
      // unknown code: from the wire it looks like a crash, nothing more comes back
      this.quiet = true;
      this.host.event('ram-code-crashed', { entry });
      return;
    }
    this.mode = 'stub';
    this.host.event('stub-running');
    this.host.sendFrame(Buffer.from('OHAI', 'latin1'));
  }

  private err(kind: 'INVALID' | 'FAILED'): number {
    if (this.mode === 'stub') return kind === 'INVALID' ? STUB_ERR.BAD_DATA_LEN : STUB_ERR.FAILED_SPI_OP;
    return ROM_ERR[kind];
  }

  private reply(op: number, value = 0, data: Buffer = Buffer.alloc(0)): void {
    this.host.sendFrame(encodeReply(op, value, data, [0, 0], this.host.config.chip === 'esp32'));
  }

  private fail(op: number, code: number): void {
    // ROM: status 1, error in the second byte; stub: error code in the first byte (big-endian u16 0xC100 → C1 00)
    const status: [number, number] = this.mode === 'rom' ? [1, code] : [code, 0];
    this.host.sendFrame(encodeReply(op, 0, Buffer.alloc(0), status, this.host.config.chip === 'esp32'));
  }
}

export function encodeReply(op: number, value: number, data: Buffer, status: [number, number], esp32Rom = false): Buffer {
  // ESP32-family ROMs end with 4 status bytes, the ESP8266 ROM and the stubs with 2
  const trailer = esp32Rom ? Buffer.from([status[0], status[1], 0, 0]) : Buffer.from(status);
  const body = Buffer.concat([data, trailer]);
  const head = Buffer.alloc(8);
  head[0] = 0x01;
  head[1] = op;
  head.writeUInt16LE(body.length, 2);
  head.writeUInt32LE(value >>> 0, 4);
  return Buffer.concat([head, body]);
}

function xorChecksum(data: Uint8Array): number {
  let c = 0xef;
  for (const b of data) c ^= b;
  return c;
}
