/**
 * The flash flow: validate files → open port → reset + sync → identify → stub + faster baud → (erase all) →
 * write → verify → reset into the firmware → release the port. Every outcome is a FlashState; on every failure
 * path the board is reset (best effort) and the port is closed before the error state is emitted, so the port can
 * be opened again at once (esp-web-tools does the same).
 */
import { EspLink, type LinkError } from './esp-link.js';
import { LoaderCommands, ROM_FLASH_BLOCK, md5Hex, type Result } from './loader.js';
import { connectToLoader, detectChip, checkAbort, need } from './connect.js';
import { writeFile, padImage } from './write-flash.js';
import { checkPlacement, headerWarnings, validateFirmware, type ImageInfo } from './image.js';
import { flashSizeFromId, formatSize } from './chip.js';
import { hardReset, type ResetLines } from './reset-lines.js';
import type { ByteLink } from './byte-link.js';
import type { StubLoad } from './stub.js';
import { FlashError, type ChipInfo, type FileResult, type FlashErrorCode, type FlashLog, type FlashState, type FlashStats } from './flash-state.js';

export const ROM_BAUD = 115200;

export interface FlashFile {
  name: string;
  address: number;
  data: Uint8Array;
}

export interface FlashRequest {
  path: string;
  files: FlashFile[];
  /** baud rate for the data once the stub runs (the ROM always syncs at 115200, esptool ESP_ROM_BAUD) */
  baudRate?: number;
  before?: 'default-reset' | 'no-reset';
  after?: 'hard-reset' | 'no-reset';
  eraseAll?: boolean;
  /** false = ROM only: no stub, 115200, 1 KB blocks, no read-back verification */
  useStub?: boolean;
  compress?: boolean;
  connectAttempts?: number;
  manualWindowMs?: number;
}

export type ClosableLink = ByteLink & { close(): Promise<void> };
export type OpenResult = { ok: true; link: ClosableLink } | { ok: false; code: 'port-busy' | 'port-open-failed'; message: string };

export interface FlasherDeps {
  openLink(path: string, baudRate: number): Promise<OpenResult>;
  resetLines(link: ClosableLink): ResetLines;
  loadStub(): Promise<StubLoad>;
  sleep?: (ms: number) => Promise<void>;
}

export interface FlashObserver {
  onState?: (s: FlashState) => void;
  onLog?: (l: FlashLog) => void;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function flash(req: FlashRequest, deps: FlasherDeps, observer: FlashObserver = {}, signal?: AbortSignal): Promise<FlashState> {
  const emit = (s: FlashState): void => observer.onState?.(s);
  const warnings: string[] = [];
  const log = (level: FlashLog['level'], message: string): void => {
    if (level === 'warn') warnings.push(message);
    observer.onLog?.({ level, message });
  };
  const sleep = deps.sleep ?? realSleep;
  emit({ state: 'idle' });

  // Validate before touching the board.
  const infos: ImageInfo[] = [];
  for (const f of req.files) {
    const check = validateFirmware(f.name, f.data, f.address);
    if (!check.ok) return finish(emit, { state: 'error', code: check.code, message: check.message });
    check.warnings.forEach((w) => log('warn', w));
    infos.push(check.info);
  }
  if (req.files.length === 0) return finish(emit, { state: 'error', code: 'bad-request', message: 'no firmware file given' });
  const useStub = req.useStub ?? true;
  if (req.eraseAll && !useStub) {
    return finish(emit, { state: 'error', code: 'erase-needs-stub', message: 'erasing the whole flash needs the flasher stub: the ESP8266 ROM has no erase command' });
  }
  const placement = checkPlacement(req.files.map((f) => ({ name: f.name, address: f.address, length: f.data.length })), 16 << 20);
  if (!placement.ok) return finish(emit, { state: 'error', code: placement.code, message: placement.message });

  emit({ state: 'connecting', attempt: 0, manual: false, message: `opening ${req.path}` });
  const opened = await deps.openLink(req.path, ROM_BAUD);
  if (!opened.ok) return finish(emit, { state: 'error', code: opened.code, message: opened.message });
  const link = opened.link;
  const esp = new EspLink(link);
  const cmds = new LoaderCommands(esp, signal);
  const lines = deps.resetLines(link);
  let connected = false;
  try {
    const result = await run();
    return finish(emit, result);
  } catch (err) {
    const failure = toFailure(err, signal);
    if (connected && !esp.closed) {
      const reset = await hardReset(lines, sleep);
      if (!reset.ok) log('warn', 'the board was left in the bootloader; press RESET');
    }
    return finish(emit, { state: 'error', ...failure });
  } finally {
    esp.dispose();
    await link.close().catch(() => undefined);
  }

  async function run(): Promise<FlashState> {
    const connectOpts = {
      before: req.before ?? 'default-reset',
      attempts: req.connectAttempts ?? 7,
      manualWindowMs: req.manualWindowMs ?? 20_000,
      sleep,
      emit,
      warn: (m: string) => log('warn', m),
      ...(signal ? { signal } : {}),
    } as const;
    const sync = await connectToLoader(esp, cmds, lines, connectOpts);
    connected = true;
    if (sync.stubRunning) log('info', 'a flasher stub is already running (the board was not reset since the last flash)');
    emit({ state: 'detecting' });
    const identity = await detectChip(cmds, ROM_BAUD);
    log('info', `${identity.chip}, MAC ${identity.mac}, crystal ${identity.crystalMHz} MHz`);
    checkAbort(signal);

    let stub = sync.stubRunning;
    let baud = ROM_BAUD;
    if (useStub && !stub) {
      const loaded = await deps.loadStub();
      if (!loaded.ok) throw new FlashError('stub-failed', loaded.message);
      const ran = await cmds.runStub(loaded.stub);
      if (!ran.ok) throw new FlashError(ran.error.kind === 'closed' ? 'disconnected' : 'stub-failed', `starting the flasher stub failed: ${ran.error.message}`);
      stub = true;
      log('info', 'flasher stub running');
    }
    const wanted = req.baudRate ?? ROM_BAUD;
    if (stub && wanted !== ROM_BAUD) baud = await changeBaud(wanted);
    else if (!stub && wanted !== ROM_BAUD) log('warn', `the ESP8266 ROM cannot change its baud rate; staying at ${ROM_BAUD}`);

    const flash = await identifyFlash(stub);
    const chip: ChipInfo = { ...identity, ...flash };
    if (flash.flashSize !== null) {
      const placed = checkPlacement(req.files.map((f) => ({ name: f.name, address: f.address, length: f.data.length })), flash.flashSize);
      if (!placed.ok) throw new FlashError(placed.code, placed.message);
      req.files.forEach((f, i) => headerWarnings(f.name, infos[i]!, flash.flashSize!, identity.chip).forEach((w) => log('warn', w)));
    } else {
      log('warn', `flash size not recognised (JEDEC id ${flash.flashId === null ? 'unreadable' : `0x${flash.flashId.toString(16)}`}); file sizes could not be checked against it`);
    }
    if (stub) await needOk(flash.flashSize !== null ? cmds.spiSetParams(flash.flashSize) : Promise.resolve({ ok: true, value: undefined }), 'setting flash parameters');

    if (req.eraseAll) {
      emit({ state: 'erasing', scope: 'all' });
      const erased = await cmds.eraseFlash();
      if (!erased.ok) throw linkFailure(erased.error, 'erase-failed', 'erasing the whole flash');
    }

    const total = req.files.reduce((n, f) => n + padImage(f.data).length, 0);
    const writeStart = Date.now();
    const wireStart = esp.bytesWritten;
    let before = 0;
    const images = req.files.map((f) => padImage(f.data));
    for (const [i, f] of req.files.entries()) {
      const image = images[i]!;
      await writeFile(
        {
          cmds,
          stub,
          compress: req.compress ?? true,
          ...(signal ? { signal } : {}),
          erasing: () => emit({ state: 'erasing', scope: 'region', file: f.name }),
          warn: (m) => log('warn', m),
          progress: (written) => {
            const done = before + written;
            const secs = (Date.now() - writeStart) / 1000;
            emit({ state: 'writing', file: f.name, fileIndex: i, fileCount: req.files.length, written: done, total, bytesPerSecond: secs > 0 ? Math.round(done / secs) : 0 });
          },
        },
        f.name,
        f.address,
        image,
      );
      before += image.length;
    }
    const writeMs = Math.max(1, Date.now() - writeStart);
    const wireBytes = esp.bytesWritten - wireStart;
    const stats: FlashStats = {
      baudRate: baud,
      payloadBytes: total,
      wireBytes,
      writeMs,
      effectiveBytesPerSecond: Math.round((total * 1000) / writeMs),
      lineUtilisation: (wireBytes * 1000) / writeMs / (baud / 10),
    };

    const files: FileResult[] = [];
    for (const [i, f] of req.files.entries()) {
      const image = images[i]!;
      if (!stub) {
        files.push({ name: f.name, address: f.address, length: image.length, verified: 'rom-block-checks' });
        continue;
      }
      emit({ state: 'verifying', file: f.name });
      const expected = md5Hex(image);
      const got = await cmds.md5(f.address, image.length);
      if (!got.ok) throw linkFailure(got.error, 'verify-failed', `reading back ${f.name}`);
      if (got.value !== expected) {
        throw new FlashError('verify-failed', `verification failed for ${f.name}: the flash holds MD5 ${got.value}, the file has ${expected}; flash again (power supply or flash chip problem if it repeats)`);
      }
      files.push({ name: f.name, address: f.address, length: image.length, verified: 'md5', md5: expected });
    }
    if (!stub) log('info', `ROM-only write: every ${ROM_FLASH_BLOCK}-byte block was checksummed and read back by the ROM; an MD5 read-back needs the stub`);

    const rebooted = await leaveLoader(stub, baud);
    return { state: 'done', chip, files, stats, rebooted, warnings };
  }

  async function changeBaud(wanted: number): Promise<number> {
    const r = await cmds.changeBaudRate(wanted, ROM_BAUD);
    if (!r.ok) {
      if (r.error.kind === 'closed') throw new FlashError('disconnected', r.error.message);
      log('warn', `could not switch to ${wanted} baud (${r.error.message}); staying at ${ROM_BAUD}`);
      return ROM_BAUD;
    }
    await link.setBaudRate(wanted);
    // [loader.py change_baud] give the stub 50 ms to switch, then drop what arrived meanwhile
    await sleep(50);
    await esp.flushInput();
    log('info', `switched to ${wanted} baud`);
    return wanted;
  }

  async function identifyFlash(stub: boolean): Promise<{ flashId: number | null; flashSize: number | null }> {
    // the ESP8266 ROM has no SPI_ATTACH: FLASH_BEGIN(0, 0) attaches the flash (esp8266.py flash_spi_attach)
    const attach = stub ? await cmds.spiAttach() : await cmds.flashBegin(0, 0, ROM_FLASH_BLOCK, 0, 3000);
    if (!attach.ok) throw linkFailure(attach.error, 'flash-id-failed', 'attaching the SPI flash');
    const id = await cmds.flashId();
    if (!id.ok) {
      if (id.error.kind === 'closed' || id.error.kind === 'aborted') throw linkFailure(id.error, 'flash-id-failed', 'reading the flash id');
      log('warn', `could not read the flash id: ${id.error.message}`);
      return { flashId: null, flashSize: null };
    }
    const size = flashSizeFromId(id.value);
    log('info', `flash id 0x${id.value.toString(16)}${size ? `, ${formatSize(size)}` : ''}`);
    return { flashId: id.value, flashSize: size };
  }

  /** Back to the ROM baud rate on our side (the "and back"), then reboot into the new firmware. */
  async function leaveLoader(stub: boolean, baud: number): Promise<boolean> {
    if (stub) {
      // esptool's finish: FLASH_BEGIN(0, 0) + FLASH_DEFL_END(1) leaves flash mode and keeps the stub running
      await needOk(cmds.flashBegin(0, 0, ROM_FLASH_BLOCK, 0, 3000), 'leaving flash mode');
      await needOk(cmds.flashDeflEnd(true), 'leaving flash mode');
    }
    if (baud !== ROM_BAUD) await link.setBaudRate(ROM_BAUD);
    if ((req.after ?? 'hard-reset') === 'no-reset') {
      log('info', 'left the board in the bootloader (--after no-reset)');
      return false;
    }
    const reset = await hardReset(lines, sleep);
    if (reset.ok) return true;
    if (!stub) {
      // [loader.py soft_reset] ROM: FLASH_BEGIN(0, 0) + FLASH_END(run user code) starts the firmware without RTS
      const begin = await cmds.flashBegin(0, 0, ROM_FLASH_BLOCK, 0, 3000);
      if (begin.ok && (await cmds.flashEnd(true)).ok) return true;
    }
    log('warn', `board was not reset (${reset.message}) — press RESET to start the new firmware`);
    return false;
  }

  async function needOk(p: Promise<Result<void>>, what: string): Promise<void> {
    const r = await p;
    if (!r.ok) need(r, what);
  }
}

function linkFailure(e: LinkError, code: FlashErrorCode, what: string): FlashError {
  if (e.kind === 'closed') return new FlashError('disconnected', `${e.message} while ${what}`);
  if (e.kind === 'aborted') return new FlashError('cancelled', 'cancelled');
  if (e.kind === 'timeout') return new FlashError('timeout', `${what}: ${e.message}`);
  return new FlashError(code, `${what} failed: ${e.message}`);
}

function toFailure(err: unknown, signal?: AbortSignal): { code: FlashErrorCode; message: string } {
  if (signal?.aborted) return { code: 'cancelled', message: 'flashing was cancelled; the flash may hold a partial image' };
  if (err instanceof FlashError) {
    if (err.code === 'cancelled') return { code: 'cancelled', message: 'flashing was cancelled; the flash may hold a partial image' };
    return { code: err.code, message: err.message };
  }
  return { code: 'write-failed', message: `unexpected failure: ${err instanceof Error ? err.message : String(err)}` };
}

function finish(emit: (s: FlashState) => void, s: FlashState): FlashState {
  emit(s);
  return s;
}
