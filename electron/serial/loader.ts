/**
 * One function per loader command (ROM and stub), each returning a value or a LinkError — no throws.
 * Timeouts follow esptool loader.py (DEFAULT_TIMEOUT 3 s, SYNC 0.1 s, MEM_END 0.2 s, erase 40 s/MB in v5,
 * MD5 8 s/MB, chip erase 120 s).
 */
import { createHash } from 'node:crypto';
import { EspLink, type CommandResult, type LinkError } from './esp-link.js';
import { Op, SYNC_PAYLOAD, dataChecksum, u32s } from './rom-protocol.js';
import { SPI0 } from './chip.js';
import type { StubImage } from './stub.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: LinkError };

export const DEFAULT_TIMEOUT_MS = 3000;
export const SYNC_TIMEOUT_MS = 100;
const MEM_END_TIMEOUT_MS = 200;
const MD5_MS_PER_MB = 8_000;
export const CHIP_ERASE_TIMEOUT_MS = 120_000;
/** RAM upload block size (loader.py ESP_RAM_BLOCK) */
export const RAM_BLOCK = 0x1800;
/** ROM flash block (loader.py FLASH_WRITE_SIZE) and stub block (StubMixin) */
export const ROM_FLASH_BLOCK = 0x400;
export const STUB_FLASH_BLOCK = 0x4000;

export function timeoutPerMb(msPerMb: number, bytes: number): number {
  return Math.max(DEFAULT_TIMEOUT_MS, Math.ceil((msPerMb * bytes) / (1 << 20)));
}

function value(r: CommandResult): Result<number> {
  return r.ok ? { ok: true, value: r.response.value } : r;
}
function done(r: CommandResult): Result<void> {
  return r.ok ? { ok: true, value: undefined } : r;
}

export class LoaderCommands {
  constructor(
    readonly link: EspLink,
    private readonly signal?: AbortSignal,
  ) {}

  private cmd(op: number, data: Uint8Array, timeoutMs = DEFAULT_TIMEOUT_MS, checksum = 0): Promise<CommandResult> {
    const opts: { checksum: number; timeoutMs: number; signal?: AbortSignal } = { checksum, timeoutMs };
    if (this.signal) opts.signal = this.signal;
    return this.link.command(op, data, opts);
  }

  /** One SYNC; on success drains the 7 further replies (loader.py `sync`). value 0 means a stub answers. */
  async sync(): Promise<Result<{ stubRunning: boolean }>> {
    const r = await this.cmd(Op.SYNC, SYNC_PAYLOAD, SYNC_TIMEOUT_MS);
    if (!r.ok) return r;
    for (let i = 0; i < 7; i++) {
      const extra = await this.link.awaitReply(Op.SYNC, SYNC_TIMEOUT_MS, this.signal);
      if (!extra.ok) break;
    }
    return { ok: true, value: { stubRunning: r.response.value === 0 } };
  }

  async readReg(address: number): Promise<Result<number>> {
    return value(await this.cmd(Op.READ_REG, u32s(address)));
  }

  async writeReg(address: number, v: number, mask = 0xffffffff, delayUs = 0): Promise<Result<void>> {
    return done(await this.cmd(Op.WRITE_REG, u32s(address, v, mask, delayUs)));
  }

  /** JEDEC id through the SPI0 user-command registers (loader.py run_spiflash_command, ESP8266 branch). */
  async flashId(): Promise<Result<number>> {
    const oldUsr = await this.readReg(SPI0.USR);
    if (!oldUsr.ok) return oldUsr;
    const oldUsr2 = await this.readReg(SPI0.USR2);
    if (!oldUsr2.ok) return oldUsr2;
    const readBits = 24;
    const steps: Array<[number, number]> = [
      // ESP8266: both bit lengths live in USR1 (no MOSI_DLEN register)
      [SPI0.USR1, ((readBits - 1) << SPI0.USR1_MISO_BITLEN_SHIFT) | (0 << SPI0.USR1_MOSI_BITLEN_SHIFT)],
      [SPI0.USR, SPI0.USR_COMMAND | SPI0.USR_MISO],
      [SPI0.USR2, (7 << SPI0.USR2_DLEN_SHIFT) | SPI0.RDID],
      [SPI0.W0, 0],
      [SPI0.CMD, SPI0.CMD_USR],
    ];
    for (const [reg, v] of steps) {
      const w = await this.writeReg(reg, v >>> 0);
      if (!w.ok) return w;
    }
    let finished = false;
    for (let i = 0; i < 10 && !finished; i++) {
      const c = await this.readReg(SPI0.CMD);
      if (!c.ok) return c;
      finished = (c.value & SPI0.CMD_USR) === 0;
    }
    if (!finished) return { ok: false, error: { kind: 'timeout', op: Op.READ_REG, message: 'SPI flash RDID command did not complete' } };
    const id = await this.readReg(SPI0.W0);
    if (!id.ok) return id;
    const r1 = await this.writeReg(SPI0.USR, oldUsr.value);
    if (!r1.ok) return r1;
    const r2 = await this.writeReg(SPI0.USR2, oldUsr2.value);
    if (!r2.ok) return r2;
    return { ok: true, value: id.value & 0xffffff };
  }

  async flashBegin(eraseSize: number, numBlocks: number, blockSize: number, offset: number, timeoutMs: number): Promise<Result<void>> {
    // exactly 16 bytes: the ESP8266 ROM rejects a 5th "encrypted" word (esp-serial-flasher issue #68)
    return done(await this.cmd(Op.FLASH_BEGIN, u32s(eraseSize, numBlocks, blockSize, offset), timeoutMs));
  }

  async flashData(block: Uint8Array, seq: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Result<void>> {
    return done(await this.cmd(Op.FLASH_DATA, Buffer.concat([u32s(block.length, seq, 0, 0), block]), timeoutMs, dataChecksum(block)));
  }

  /** 0 = reboot, 1 = run user code (loader.py flash_finish sends `not reboot`). */
  async flashEnd(runUserCode: boolean): Promise<Result<void>> {
    return done(await this.cmd(Op.FLASH_END, u32s(runUserCode ? 1 : 0)));
  }

  async flashDeflBegin(size: number, numBlocks: number, blockSize: number, offset: number, timeoutMs: number): Promise<Result<void>> {
    return done(await this.cmd(Op.FLASH_DEFL_BEGIN, u32s(size, numBlocks, blockSize, offset), timeoutMs));
  }

  async flashDeflData(block: Uint8Array, seq: number, timeoutMs: number): Promise<Result<void>> {
    return done(await this.cmd(Op.FLASH_DEFL_DATA, Buffer.concat([u32s(block.length, seq, 0, 0), block]), timeoutMs, dataChecksum(block)));
  }

  async flashDeflEnd(runUserCode: boolean): Promise<Result<void>> {
    return done(await this.cmd(Op.FLASH_DEFL_END, u32s(runUserCode ? 1 : 0)));
  }

  async spiAttach(): Promise<Result<void>> {
    return done(await this.cmd(Op.SPI_ATTACH, u32s(0)));
  }

  /** [loader.py flash_set_parameters] fl_id, total size, 64 KB block, 4 KB sector, 256 B page, status mask. */
  async spiSetParams(flashSize: number): Promise<Result<void>> {
    return done(await this.cmd(Op.SPI_SET_PARAMS, u32s(0, flashSize, 0x10000, 0x1000, 0x100, 0xffff)));
  }

  /** The stub answers at the old rate, then switches (loader.py change_baud; esp-flasher-stub post-process). */
  async changeBaudRate(newBaud: number, oldBaud: number): Promise<Result<void>> {
    return done(await this.cmd(Op.CHANGE_BAUDRATE, u32s(newBaud, oldBaud)));
  }

  async md5(address: number, size: number): Promise<Result<string>> {
    const r = await this.cmd(Op.SPI_FLASH_MD5, u32s(address, size, 0, 0), timeoutPerMb(MD5_MS_PER_MB, size));
    if (!r.ok) return r;
    const d = r.response.data;
    // esp-flasher-stub sends 16 raw bytes; the legacy stub sent 32 hex characters (loader.py flash_md5sum)
    if (d.length === 16) return { ok: true, value: d.toString('hex') };
    if (d.length === 32) return { ok: true, value: d.toString('latin1').toLowerCase() };
    return { ok: false, error: { kind: 'status', op: Op.SPI_FLASH_MD5, status: { source: 'stub', code: 0, message: `MD5 reply of ${d.length} bytes` }, message: 'unexpected MD5 reply' } };
  }

  async eraseFlash(): Promise<Result<void>> {
    return done(await this.cmd(Op.ERASE_FLASH, new Uint8Array(0), CHIP_ERASE_TIMEOUT_MS));
  }

  /**
   * Upload the stub to RAM and start it (loader.py run_stub): per segment MEM_BEGIN, MEM_DATA blocks,
   * then MEM_END(0, entry); the ROM may not answer MEM_END, the stub greets with OHAI.
   */
  async runStub(stub: StubImage, ohaiTimeoutMs = DEFAULT_TIMEOUT_MS): Promise<Result<void>> {
    for (const [bytes, address] of [
      [stub.text, stub.textStart],
      [stub.data, stub.dataStart],
    ] as const) {
      const blocks = Math.ceil(bytes.length / RAM_BLOCK);
      const begin = await this.cmd(Op.MEM_BEGIN, u32s(bytes.length, blocks, RAM_BLOCK, address));
      if (!begin.ok) return begin;
      for (let seq = 0; seq < blocks; seq++) {
        const block = bytes.subarray(seq * RAM_BLOCK, (seq + 1) * RAM_BLOCK);
        const r = await this.cmd(Op.MEM_DATA, Buffer.concat([u32s(block.length, seq, 0, 0), block]), DEFAULT_TIMEOUT_MS, dataChecksum(block));
        if (!r.ok) return r;
      }
    }
    const end = await this.cmd(Op.MEM_END, u32s(0, stub.entry), MEM_END_TIMEOUT_MS);
    if (!end.ok && end.error.kind !== 'timeout') return end;
    const greeted = await this.link.awaitOhai(ohaiTimeoutMs, this.signal);
    if (!greeted) {
      if (this.link.closed) return { ok: false, error: { kind: 'closed', op: Op.MEM_END, disconnected: this.link.closed.disconnected, message: 'port closed while starting the stub' } };
      return { ok: false, error: { kind: 'timeout', op: Op.MEM_END, message: 'the flasher stub did not say OHAI after upload' } };
    }
    return { ok: true, value: undefined };
  }
}

export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}
