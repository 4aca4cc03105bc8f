/**
 * Firmware file checks done before the board is touched. ESP8266 "v1" image layout (esptool
 * docs firmware-image-format.rst; targets/esp8266.py; bin_image.py): byte 0 magic 0xE9, 1 segment count,
 * 2 flash mode, 3 size<<4|freq, 4-7 entry; segments (u32 load address, u32 length, data); zero padding to a
 * 16-byte boundary whose last byte is the checksum (0xEF XOR all segment data bytes).
 */
import { formatSize } from './chip.js';
import { SECTOR_SIZE } from './erase-size.js';

export const IMAGE_MAGIC_V1 = 0xe9;
/** esptool ESPBOOTLOADER.IMAGE_V2_MAGIC (old SDK OTA images) */
export const IMAGE_MAGIC_V2 = 0xea;
const MAX_SEGMENTS = 16;

export type FlashMode = 'QIO' | 'QOUT' | 'DIO' | 'DOUT';
const flashModes: Record<number, FlashMode> = { 0: 'QIO', 1: 'QOUT', 2: 'DIO', 3: 'DOUT' };
/** header size nibble → bytes (esp8266.py FLASH_SIZES) */
const headerFlashSizes: Record<number, number> = {
  0: 512 * 1024,
  1: 256 * 1024,
  2: 1 << 20,
  3: 2 << 20,
  4: 4 << 20,
  5: 2 << 20,
  6: 4 << 20,
  8: 8 << 20,
  9: 16 << 20,
};
const headerFlashFreqs: Record<number, string> = { 0: '40 MHz', 1: '26 MHz', 2: '20 MHz', 0xf: '80 MHz' };

export interface Segment {
  address: number;
  length: number;
}

export interface ImageInfo {
  kind: 'esp8266-v1' | 'esp8266-v2' | 'raw';
  flashMode?: FlashMode;
  /** flash size the header claims, in bytes (null: unknown code) */
  headerFlashSize?: number | null;
  flashFreq?: string;
  entry?: number;
  segments: Segment[];
  /** bytes of the v1 image proper; Arduino builds append more data (the IROM part) after it */
  imageLength?: number;
}

export type ImageErrorCode =
  | 'image-empty'
  | 'image-not-esp8266'
  | 'image-wrong-chip'
  | 'image-truncated'
  | 'image-checksum'
  | 'image-address'
  | 'image-too-large'
  | 'images-overlap';

export type ImageCheck = { ok: true; info: ImageInfo; warnings: string[] } | { ok: false; code: ImageErrorCode; message: string };

/** ESP8266 memory an image segment may load into: DRAM and IRAM (esp8266.py MEMORY_MAP, roughly). */
function isEsp8266LoadAddress(a: number): boolean {
  return (a >= 0x3ffe8000 && a < 0x40000000) || (a >= 0x40100000 && a < 0x40110000) || (a >= 0x40200000 && a < 0x40300000);
}

/** Addresses typical of ESP32-family images (DROM/IROM/IRAM), to say "this is an ESP32 image". */
function looksLikeEsp32Address(a: number): boolean {
  return (a >= 0x3f400000 && a < 0x3fc00000) || (a >= 0x40080000 && a < 0x400a0000) || (a >= 0x400d0000 && a < 0x40400000) || (a >= 0x42000000 && a < 0x44000000);
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(2, '0')}`;

export function validateFirmware(name: string, data: Uint8Array, address: number): ImageCheck {
  if (data.length === 0) return { ok: false, code: 'image-empty', message: `${name} is empty` };
  if (address % SECTOR_SIZE !== 0 || address < 0) {
    return { ok: false, code: 'image-address', message: `${name}: address ${hex(address)} is not on a 4 KB flash sector boundary` };
  }
  if (address !== 0) return { ok: true, info: { kind: 'raw', segments: [] }, warnings: [] };
  const magic = data[0]!;
  if (magic === IMAGE_MAGIC_V2) return checkV2(name, data);
  if (magic !== IMAGE_MAGIC_V1) {
    return {
      ok: false,
      code: 'image-not-esp8266',
      message: `${name} is not an ESP8266 firmware image: it starts with byte ${hex(magic)}, an image written at 0x0 starts with 0xE9`,
    };
  }
  return checkV1(name, data);
}

function header(data: Uint8Array): Pick<ImageInfo, 'flashMode' | 'headerFlashSize' | 'flashFreq' | 'entry'> & { modeByte: number } {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const modeByte = data[2] ?? 0;
  const sizeFreq = data[3] ?? 0;
  const info: Pick<ImageInfo, 'flashMode' | 'headerFlashSize' | 'flashFreq' | 'entry'> & { modeByte: number } = {
    modeByte,
    headerFlashSize: headerFlashSizes[sizeFreq >> 4] ?? null,
    entry: data.length >= 8 ? view.readUInt32LE(4) : 0,
  };
  const mode = flashModes[modeByte];
  if (mode) info.flashMode = mode;
  const freq = headerFlashFreqs[sizeFreq & 0xf];
  if (freq) info.flashFreq = freq;
  return info;
}

function checkV1(name: string, data: Uint8Array): ImageCheck {
  if (data.length < 8) return { ok: false, code: 'image-truncated', message: `${name} ends inside the 8-byte image header` };
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const count = data[1]!;
  if (count === 0 || count > MAX_SEGMENTS) {
    return { ok: false, code: 'image-not-esp8266', message: `${name}: the header announces ${count} segments (1 to ${MAX_SEGMENTS} expected)` };
  }
  const h = header(data);
  const warnings: string[] = [];
  if (!h.flashMode) warnings.push(`${name}: unknown flash mode byte ${hex(h.modeByte)}`);
  const segments: Segment[] = [];
  let pos = 8;
  let checksum = 0xef;
  for (let i = 0; i < count; i++) {
    if (pos + 8 > data.length) return { ok: false, code: 'image-truncated', message: `${name} ends inside the header of segment ${i + 1} of ${count}` };
    const address = view.readUInt32LE(pos);
    const length = view.readUInt32LE(pos + 4);
    if (i === 0 && !isEsp8266LoadAddress(address) && looksLikeEsp32Address(address)) {
      return { ok: false, code: 'image-wrong-chip', message: `${name} looks like an ESP32-family image (first segment loads at ${hex(address)}), not an ESP8266 image` };
    }
    if (!isEsp8266LoadAddress(address)) {
      return { ok: false, code: 'image-not-esp8266', message: `${name}: segment ${i + 1} loads at ${hex(address)}, outside ESP8266 RAM` };
    }
    pos += 8;
    if (pos + length > data.length) return { ok: false, code: 'image-truncated', message: `${name} ends inside segment ${i + 1} (${length} bytes at ${hex(address)})` };
    for (let j = pos; j < pos + length; j++) checksum ^= data[j]!;
    segments.push({ address, length });
    pos += length;
  }
  // [bin_image.py append_checksum] pad so the checksum byte is the last byte of a 16-byte row.
  const checksumAt = pos + (15 - (pos % 16));
  if (checksumAt >= data.length) return { ok: false, code: 'image-truncated', message: `${name} ends before the image checksum byte` };
  const stored = data[checksumAt]!;
  if (stored !== checksum) {
    return {
      ok: false,
      code: 'image-checksum',
      message: `${name} is corrupt: image checksum is ${hex(stored)}, the segments add up to ${hex(checksum)} (truncated or damaged download?)`,
    };
  }
  const info: ImageInfo = { kind: 'esp8266-v1', segments, imageLength: checksumAt + 1 };
  copyHeader(info, h);
  return { ok: true, info, warnings };
}

function checkV2(name: string, data: Uint8Array): ImageCheck {
  if (data.length < 16) return { ok: false, code: 'image-truncated', message: `${name} ends inside the v2 image header` };
  const info: ImageInfo = { kind: 'esp8266-v2', segments: [] };
  copyHeader(info, header(data));
  return { ok: true, info, warnings: [`${name} is an old "v2" (OTA bootloader) image; only its header was checked`] };
}

function copyHeader(info: ImageInfo, h: ReturnType<typeof header>): void {
  if (h.flashMode) info.flashMode = h.flashMode;
  if (h.headerFlashSize !== undefined) info.headerFlashSize = h.headerFlashSize;
  if (h.flashFreq) info.flashFreq = h.flashFreq;
  if (h.entry !== undefined) info.entry = h.entry;
}

export interface PlacedFile {
  name: string;
  address: number;
  length: number;
}

/** Check every file against the detected flash size and against each other. */
export function checkPlacement(files: PlacedFile[], flashSize: number): { ok: true } | { ok: false; code: ImageErrorCode; message: string } {
  for (const f of files) {
    if (f.address + f.length > flashSize) {
      return {
        ok: false,
        code: 'image-too-large',
        message: `${f.name} (${formatSize(f.length)}) at ${hex(f.address)} does not fit in the board's ${formatSize(flashSize)} flash (it would end at ${hex(f.address + f.length)})`,
      };
    }
  }
  const sorted = [...files].sort((a, b) => a.address - b.address);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.address + prev.length > cur.address) {
      return { ok: false, code: 'images-overlap', message: `${prev.name} at ${hex(prev.address)} overlaps ${cur.name} at ${hex(cur.address)}` };
    }
  }
  return { ok: true };
}

/** Advice that does not block flashing: header flash size larger than the chip, QIO on an ESP8285. */
export function headerWarnings(name: string, info: ImageInfo, flashSize: number, chip: string): string[] {
  const out: string[] = [];
  if (info.headerFlashSize && info.headerFlashSize > flashSize) {
    out.push(`${name} was built for ${formatSize(info.headerFlashSize)} flash but the board has ${formatSize(flashSize)}; it may not boot`);
  }
  if (chip === 'ESP8285' && (info.flashMode === 'QIO' || info.flashMode === 'QOUT')) {
    out.push(`${name} uses flash mode ${info.flashMode}; an ESP8285 needs DOUT or it boot-loops`);
  }
  return out;
}

