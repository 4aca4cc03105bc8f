/**
 * The ESP8266 ROM erase-size quirk. FLASH_BEGIN erases more than it is asked for; esptool compensates in
 * targets/esp8266.py `get_erase_size` (also serial-protocol.rst "Writing Data", ESP8266 note). Inverting that
 * workaround, a request for `e` sectors erases `e + min(e, h)` sectors, h = sectors from the start sector to the
 * next 64 KB block boundary (an inference from esptool's code, not from ROM source; ESP8266.md §4).
 *
 * With the corrected request the ROM erases exactly the `n` sectors the data needs — except when `n` is odd and
 * smaller than 2h, where no single request can hit `n` and one sector more is erased (`extraSectors: 1`).
 * The flasher reports that; the stub path has no quirk.
 */

export const SECTOR_SIZE = 0x1000;
const SECTORS_PER_BLOCK = 16;

export interface RomErasePlan {
  /** the erase_size field to send in FLASH_BEGIN */
  eraseSize: number;
  /** sectors the data occupies */
  sectors: number;
  /** sectors the ROM will really erase with eraseSize (by the inferred rule) */
  erasedSectors: number;
  /** erasedSectors - sectors: 0, or 1 in the unavoidable odd case */
  extraSectors: number;
}

export function romEraseSize(offset: number, size: number): RomErasePlan {
  const n = Math.ceil(size / SECTOR_SIZE);
  const startSector = Math.floor(offset / SECTOR_SIZE);
  const h = Math.min(SECTORS_PER_BLOCK - (startSector % SECTORS_PER_BLOCK), n);
  const e = n < 2 * h ? Math.floor((n + 1) / 2) : n - h;
  const erased = romErasedSectors(offset, e * SECTOR_SIZE);
  return { eraseSize: e * SECTOR_SIZE, sectors: n, erasedSectors: erased, extraSectors: erased - n };
}

/** What the ROM does with an erase_size request (the inferred rule, used by the simulator and the plan). */
export function romErasedSectors(offset: number, eraseSize: number): number {
  const e = Math.ceil(eraseSize / SECTOR_SIZE);
  const startSector = Math.floor(offset / SECTOR_SIZE);
  const h = SECTORS_PER_BLOCK - (startSector % SECTORS_PER_BLOCK);
  return e + Math.min(e, h);
}
