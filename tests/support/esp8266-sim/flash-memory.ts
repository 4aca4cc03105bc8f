/**
 * NOR flash as the simulator keeps it: a file of `size` bytes (so a test can compare it byte for byte, even after
 * the simulator was killed). Erase sets 4 KB sectors to 0xFF; programming can only clear bits (new = old AND data),
 * which is why writing over unerased flash fails the ROM's read-back compare (error 0x08).
 */
import { closeSync, openSync, readSync, writeSync, ftruncateSync, fstatSync } from 'node:fs';

export const SECTOR = 0x1000;

export class FlashMemory {
  private readonly fd: number;
  readonly size: number;
  erasedSectors = 0;
  programmedBytes = 0;

  constructor(path: string, size: number) {
    closeSync(openSync(path, 'a+'));
    this.fd = openSync(path, 'r+');
    this.size = size;
    const current = fstatSync(this.fd).size;
    if (current < size) {
      // a fresh chip reads 0xFF everywhere
      const ff = Buffer.alloc(Math.min(size - current, 1 << 20), 0xff);
      for (let at = current; at < size; at += ff.length) writeSync(this.fd, ff, 0, Math.min(ff.length, size - at), at);
    } else if (current > size) {
      ftruncateSync(this.fd, size);
    }
  }

  read(offset: number, length: number): Buffer {
    const out = Buffer.alloc(length, 0xff);
    const n = Math.max(0, Math.min(length, this.size - offset));
    if (n > 0) readSync(this.fd, out, 0, n, offset);
    return out;
  }

  eraseSectors(firstSector: number, count: number): void {
    const ff = Buffer.alloc(SECTOR, 0xff);
    for (let s = firstSector; s < firstSector + count; s++) {
      const at = s * SECTOR;
      if (at >= this.size) break;
      writeSync(this.fd, ff, 0, SECTOR, at);
      this.erasedSectors++;
    }
  }

  eraseAll(): void {
    this.eraseSectors(0, Math.ceil(this.size / SECTOR));
  }

  /** NOR programming: returns false when the result differs from `data` (bits that were 0 cannot become 1). */
  program(offset: number, data: Uint8Array): boolean {
    const n = Math.max(0, Math.min(data.length, this.size - offset));
    if (n === 0) return data.length === 0;
    const old = this.read(offset, n);
    let same = n === data.length;
    for (let i = 0; i < n; i++) {
      const v = old[i]! & data[i]!;
      if (v !== data[i]) same = false;
      old[i] = v;
    }
    writeSync(this.fd, old, 0, n, offset);
    this.programmedBytes += n;
    return same;
  }

  close(): void {
    closeSync(this.fd);
  }
}
