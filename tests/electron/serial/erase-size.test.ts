import { describe, expect, it } from 'vitest';
import { romEraseSize, romErasedSectors, SECTOR_SIZE } from '../../../electron/serial/erase-size.js';

describe('ESP8266 ROM erase-size quirk (esp8266.py get_erase_size, ESP8266.md §4)', () => {
  it('asks for half the sectors when the data ends before the next 64 KB block boundary', () => {
    expect(romEraseSize(0, 4 * SECTOR_SIZE)).toEqual({ eraseSize: 2 * SECTOR_SIZE, sectors: 4, erasedSectors: 4, extraSectors: 0 });
  });

  it('asks for n - h sectors when the data crosses the boundary, so exactly n are erased', () => {
    // start in sector 12 of a block: h = 4; 20 sectors → request 16 → ROM erases 16 + 4
    const plan = romEraseSize(12 * SECTOR_SIZE, 20 * SECTOR_SIZE);
    expect(plan.eraseSize).toBe(16 * SECTOR_SIZE);
    expect(plan.erasedSectors).toBe(20);
    expect(plan.extraSectors).toBe(0);
  });

  it('reports the one unavoidable extra sector for an odd count inside the first block', () => {
    const plan = romEraseSize(0, 25 * SECTOR_SIZE - 100);
    // 25 < 2 × 16: the ROM erases 2 × 13 = 26 sectors
    expect(plan).toMatchObject({ sectors: 25, eraseSize: 13 * SECTOR_SIZE, erasedSectors: 26, extraSectors: 1 });
    // 33 ≥ 2 × 16: request 17, the ROM erases 17 + 16 = 33, exact
    expect(romEraseSize(0, 33 * SECTOR_SIZE)).toMatchObject({ eraseSize: 17 * SECTOR_SIZE, erasedSectors: 33, extraSectors: 0 });
    const small = romEraseSize(0, 3 * SECTOR_SIZE);
    expect(small).toMatchObject({ sectors: 3, eraseSize: 2 * SECTOR_SIZE, erasedSectors: 4, extraSectors: 1 });
  });

  it('never erases fewer sectors than the data needs, for any start sector and size', () => {
    for (let start = 0; start < 32; start++) {
      for (let n = 1; n <= 70; n++) {
        const plan = romEraseSize(start * SECTOR_SIZE, n * SECTOR_SIZE);
        expect(plan.erasedSectors).toBeGreaterThanOrEqual(n);
        expect(plan.erasedSectors).toBeLessThanOrEqual(n + 1);
      }
    }
  });

  it('models the ROM doubling a plain request inside one block (what a naive flasher destroys)', () => {
    expect(romErasedSectors(0, 8 * SECTOR_SIZE)).toBe(16);
  });
});
