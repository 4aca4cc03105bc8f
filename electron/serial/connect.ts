/**
 * Getting the ROM loader's attention and asking who it is (states `connecting` and `detecting`).
 * esptool loader.py `connect`: each attempt = one reset, then up to 5 SYNCs; 7 attempts, alternating a short
 * and a long GPIO0 hold. When the reset lines do not work (pty, ESP-01 adapter, `--before no-reset`) we keep
 * syncing for a window while the user holds BOOT and presses RESET.
 */
import type { EspLink } from './esp-link.js';
import type { LoaderCommands, Result } from './loader.js';
import { MANUAL_RESET_HINT, resetIntoBootloader, type ResetLines } from './reset-lines.js';
import {
  CHIP_DETECT_MAGIC_REG,
  EFUSE_REGS,
  ESP8266_MAGIC,
  UART_CLKDIV_REG,
  chipDescription,
  chipIdFromEfuse,
  chipNameForMagic,
  crystalMHz,
  macFromEfuse,
  type EfuseWords,
} from './chip.js';
import { FlashError, type ChipInfo, type FlashState } from './flash-state.js';

export interface ConnectOptions {
  before: 'default-reset' | 'no-reset';
  attempts: number;
  /** how long to keep trying when the board must be reset by hand */
  manualWindowMs: number;
  signal?: AbortSignal;
  sleep: (ms: number) => Promise<void>;
  emit: (s: FlashState) => void;
  warn: (message: string) => void;
}

const SYNCS_PER_ATTEMPT = 5;

export async function connectToLoader(link: EspLink, cmds: LoaderCommands, lines: ResetLines, o: ConnectOptions): Promise<{ stubRunning: boolean }> {
  let manual = o.before === 'no-reset';
  if (!manual) {
    for (let attempt = 1; attempt <= o.attempts; attempt++) {
      o.emit({ state: 'connecting', attempt, manual: false, message: 'resetting the board into the bootloader' });
      const reset = await resetIntoBootloader(lines, attempt % 2 === 1 ? 50 : 550, o.sleep);
      if (!reset.ok) {
        o.warn(`${MANUAL_RESET_HINT} (${reset.message})`);
        manual = true;
        break;
      }
      const synced = await syncBurst(link, cmds, o);
      if (synced) return synced;
    }
    if (!manual) throw noSyncError(link, false);
  }
  const deadline = Date.now() + o.manualWindowMs;
  let attempt = 0;
  while (Date.now() < deadline) {
    attempt++;
    o.emit({ state: 'connecting', attempt, manual: true, message: MANUAL_RESET_HINT });
    const synced = await syncBurst(link, cmds, o);
    if (synced) return synced;
    await o.sleep(50);
  }
  throw noSyncError(link, true);
}

async function syncBurst(link: EspLink, cmds: LoaderCommands, o: ConnectOptions): Promise<{ stubRunning: boolean } | null> {
  await link.flushInput();
  for (let i = 0; i < SYNCS_PER_ATTEMPT; i++) {
    checkAbort(o.signal);
    const r = await cmds.sync();
    if (r.ok) return r.value;
    if (r.error.kind === 'closed') throw new FlashError('disconnected', r.error.message);
    if (r.error.kind === 'aborted') throw new FlashError('cancelled', 'cancelled');
  }
  return null;
}

/** Say *why* nothing answered, from what the board printed meanwhile. */
function noSyncError(link: EspLink, manual: boolean): FlashError {
  const text = link.noiseTail().toString('latin1');
  const printable = text.replace(/[^\x20-\x7e\r\n]/g, '').trim();
  let why: string;
  if (/boot mode:\(\s*3/.test(text)) {
    why = 'the board printed "boot mode:(3,…)": it booted its firmware, GPIO0 was not low at reset';
  } else if (link.noiseBytes > 0) {
    const sample = printable.slice(-80);
    why = `the board sent ${link.noiseBytes} bytes that were not bootloader replies${sample ? ` (last text: "${sample}")` : ''}: it is running firmware, not the bootloader`;
  } else {
    why = 'not a single byte came back: wrong port, board not powered, TX/RX swapped, or a charge-only cable';
  }
  const how = manual ? 'hold BOOT/GPIO0 low, press and release RESET, then release BOOT' : 'the automatic reset did not reach the bootloader; hold BOOT/GPIO0 and press RESET, or try --before no-reset';
  return new FlashError('no-sync', `No answer from the ESP8266 bootloader — is the board in boot mode? ${why}. To enter boot mode: ${how}.`);
}

export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new FlashError('cancelled', 'cancelled');
}

function need<T>(r: Result<T>, what: string): T {
  if (r.ok) return r.value;
  if (r.error.kind === 'closed') throw new FlashError('disconnected', r.error.message);
  if (r.error.kind === 'aborted') throw new FlashError('cancelled', 'cancelled');
  throw new FlashError('timeout', `${what}: ${r.error.message}`);
}

/** Chip magic, eFuses, MAC, crystal (esptool detect_chip, read_mac, get_crystal_freq). */
export async function detectChip(cmds: LoaderCommands, baudRate: number): Promise<Omit<ChipInfo, 'flashId' | 'flashSize'>> {
  const magic = need(await cmds.readReg(CHIP_DETECT_MAGIC_REG), 'reading the chip magic');
  if (magic >>> 0 !== ESP8266_MAGIC) {
    const name = chipNameForMagic(magic);
    const hex = `0x${(magic >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
    throw new FlashError(
      'wrong-chip',
      name
        ? `This board is an ${name} (chip magic ${hex}), not an ESP8266. Fleetwatch flashes ESP8266/ESP8285 boards only — use esptool or ESP Web Tools for ${name}.`
        : `Unknown chip (magic ${hex}): not an ESP8266. Fleetwatch flashes ESP8266/ESP8285 boards only.`,
    );
  }
  const words: number[] = [];
  for (const reg of EFUSE_REGS) words.push(need(await cmds.readReg(reg), 'reading the eFuses'));
  const efuse = words as unknown as EfuseWords;
  const mac = macFromEfuse(efuse);
  const clkdiv = need(await cmds.readReg(UART_CLKDIV_REG), 'reading the UART clock divider');
  return {
    chip: chipDescription(efuse),
    mac: mac ?? 'unknown',
    chipId: chipIdFromEfuse(efuse),
    crystalMHz: crystalMHz(clkdiv, baudRate),
  };
}

export { need };
