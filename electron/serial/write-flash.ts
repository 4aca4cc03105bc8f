/**
 * Writing one file (states `erasing`, `writing`) through the stub (16 KB blocks, deflated when that shrinks the
 * data) or through the ROM (1 KB blocks, erase-size quirk corrected). Each block is retried up to 3 times on a
 * checksum rejection or a lost reply (loader.py WRITE_BLOCK_ATTEMPTS).
 */
import { deflateSync } from 'node:zlib';
import type { LoaderCommands, Result } from './loader.js';
import { ROM_FLASH_BLOCK, STUB_FLASH_BLOCK, timeoutPerMb, DEFAULT_TIMEOUT_MS } from './loader.js';
import { romEraseSize, SECTOR_SIZE } from './erase-size.js';
import { FlashError } from './flash-state.js';
import { checkAbort } from './connect.js';
import type { LinkError } from './esp-link.js';

const WRITE_BLOCK_ATTEMPTS = 3;
const ERASE_WRITE_MS_PER_MB = 40_000;

export interface WriteContext {
  cmds: LoaderCommands;
  stub: boolean;
  compress: boolean;
  signal?: AbortSignal;
  /** called after every acknowledged block with the file bytes now written */
  progress: (written: number) => void;
  erasing: () => void;
  warn: (message: string) => void;
}

/** esptool pads every image to a 4-byte multiple with 0xFF before writing and hashing (cmds.py write_flash). */
export function padImage(data: Uint8Array): Buffer {
  const rem = data.length % 4;
  return rem === 0 ? Buffer.from(data) : Buffer.concat([Buffer.from(data), Buffer.alloc(4 - rem, 0xff)]);
}

export async function writeFile(ctx: WriteContext, name: string, address: number, image: Buffer): Promise<void> {
  if (!ctx.stub) return writeRom(ctx, name, address, image);
  const compressed = ctx.compress ? deflateSync(image, { level: 9 }) : null;
  if (compressed && compressed.length < image.length) return writeDeflated(ctx, address, image, compressed);
  return writeStubPlain(ctx, address, image);
}

async function writeRom(ctx: WriteContext, name: string, address: number, image: Buffer): Promise<void> {
  const plan = romEraseSize(address, image.length);
  if (plan.extraSectors > 0) {
    const extraAt = address + plan.sectors * SECTOR_SIZE;
    ctx.warn(
      `ROM-only write of ${name}: the ESP8266 ROM erase quirk also erases ${plan.extraSectors} sector at 0x${extraAt.toString(16)} after the file (no request can avoid it for an odd sector count; the stub path has no such quirk)`,
    );
  }
  const blocks = Math.ceil(image.length / ROM_FLASH_BLOCK);
  ctx.erasing();
  const begin = await ctx.cmds.flashBegin(plan.eraseSize, blocks, ROM_FLASH_BLOCK, address, timeoutPerMb(ERASE_WRITE_MS_PER_MB, plan.erasedSectors * SECTOR_SIZE));
  failOn(begin, 'erase-failed', `erasing flash for ${name}`);
  for (let seq = 0; seq < blocks; seq++) {
    checkAbort(ctx.signal);
    const slice = image.subarray(seq * ROM_FLASH_BLOCK, (seq + 1) * ROM_FLASH_BLOCK);
    // [serial-protocol.rst "Writing Data"] pad the last block with 0xFF to the full block size
    const block = slice.length === ROM_FLASH_BLOCK ? slice : Buffer.concat([slice, Buffer.alloc(ROM_FLASH_BLOCK - slice.length, 0xff)]);
    await withRetries(() => ctx.cmds.flashData(block, seq), name, seq);
    ctx.progress(Math.min(image.length, (seq + 1) * ROM_FLASH_BLOCK));
  }
}

async function writeDeflated(ctx: WriteContext, address: number, image: Buffer, compressed: Buffer): Promise<void> {
  const blocks = Math.ceil(compressed.length / STUB_FLASH_BLOCK);
  ctx.erasing();
  // the stub erases while it writes; FLASH_DEFL_BEGIN only starts the first erase (esp-flasher-stub)
  const begin = await ctx.cmds.flashDeflBegin(image.length, blocks, STUB_FLASH_BLOCK, address, DEFAULT_TIMEOUT_MS);
  failOn(begin, 'erase-failed', 'starting the compressed write');
  const ratio = image.length / compressed.length;
  for (let seq = 0; seq < blocks; seq++) {
    checkAbort(ctx.signal);
    const block = compressed.subarray(seq * STUB_FLASH_BLOCK, (seq + 1) * STUB_FLASH_BLOCK);
    const timeout = timeoutPerMb(ERASE_WRITE_MS_PER_MB, Math.ceil(block.length * ratio));
    await withRetries(() => ctx.cmds.flashDeflData(block, seq, timeout), 'compressed block', seq);
    ctx.progress(Math.min(image.length, Math.round(((seq + 1) / blocks) * image.length)));
  }
}

async function writeStubPlain(ctx: WriteContext, address: number, image: Buffer): Promise<void> {
  const blocks = Math.ceil(image.length / STUB_FLASH_BLOCK);
  ctx.erasing();
  const begin = await ctx.cmds.flashBegin(image.length, blocks, STUB_FLASH_BLOCK, address, DEFAULT_TIMEOUT_MS);
  failOn(begin, 'erase-failed', 'starting the write');
  for (let seq = 0; seq < blocks; seq++) {
    checkAbort(ctx.signal);
    const slice = image.subarray(seq * STUB_FLASH_BLOCK, (seq + 1) * STUB_FLASH_BLOCK);
    const block = slice.length === STUB_FLASH_BLOCK ? slice : Buffer.concat([slice, Buffer.alloc(STUB_FLASH_BLOCK - slice.length, 0xff)]);
    await withRetries(() => ctx.cmds.flashData(block, seq, timeoutPerMb(ERASE_WRITE_MS_PER_MB, STUB_FLASH_BLOCK)), 'block', seq);
    ctx.progress(Math.min(image.length, (seq + 1) * STUB_FLASH_BLOCK));
  }
}

function isChecksumRejection(e: LinkError): boolean {
  return e.kind === 'status' && ((e.status.source === 'rom' && e.status.code === 0x07) || (e.status.source === 'stub' && e.status.code === 0xc1));
}

async function withRetries(send: () => Promise<Result<void>>, what: string, seq: number): Promise<void> {
  let last: LinkError | null = null;
  for (let attempt = 1; attempt <= WRITE_BLOCK_ATTEMPTS; attempt++) {
    const r = await send();
    if (r.ok) return;
    last = r.error;
    if (r.error.kind === 'closed' || r.error.kind === 'aborted') break;
    if (r.error.kind === 'status' && !isChecksumRejection(r.error)) break;
  }
  if (!last) return;
  if (last.kind === 'closed') throw new FlashError('disconnected', `${last.message} while writing ${what} ${seq}; the flash now holds a partial image — reconnect and flash again`);
  if (last.kind === 'aborted') throw new FlashError('cancelled', 'cancelled');
  if (isChecksumRejection(last)) {
    throw new FlashError('checksum-rejected', `the board rejected ${what} ${seq} ${WRITE_BLOCK_ATTEMPTS} times with a checksum error: data is corrupted on the way (bad cable or USB hub, or the baud rate is too high)`);
  }
  if (last.kind === 'timeout') throw new FlashError('timeout', `${last.message} (${what} ${seq}, ${WRITE_BLOCK_ATTEMPTS} attempts)`);
  throw new FlashError('write-failed', `writing ${what} ${seq} failed: ${last.message}`);
}

function failOn(r: Result<void>, code: 'erase-failed', what: string): void {
  if (r.ok) return;
  if (r.error.kind === 'closed') throw new FlashError('disconnected', `${r.error.message} while ${what}`);
  if (r.error.kind === 'aborted') throw new FlashError('cancelled', 'cancelled');
  throw new FlashError(code, `${what} failed: ${r.error.message}`);
}
