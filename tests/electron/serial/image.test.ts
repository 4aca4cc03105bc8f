import { describe, expect, it } from 'vitest';
import { checkPlacement, headerWarnings, validateFirmware } from '../../../electron/serial/image.js';
import { buildImage, imageOfSize } from '../../fixtures/firmware/make-image.js';

describe('firmware file validation before the board is touched', () => {
  it('accepts a v1 image at 0x0 and reports its header (mode, size, entry, segments)', () => {
    const r = validateFirmware('tasmota.bin', buildImage({ flashMode: 3, flashSizeCode: 2 }), 0);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.info).toMatchObject({ kind: 'esp8266-v1', flashMode: 'DOUT', headerFlashSize: 1 << 20, entry: 0x40100004 });
    expect(r.info.segments).toHaveLength(2);
  });

  it('accepts data appended after the v1 image (Arduino builds append the IROM part)', () => {
    expect(validateFirmware('fw.bin', imageOfSize(300_000), 0).ok).toBe(true);
  });

  it('refuses a file at 0x0 that does not start with 0xE9', () => {
    const r = validateFirmware('readme.txt', Buffer.from('hello world, not firmware'), 0);
    expect(r).toMatchObject({ ok: false, code: 'image-not-esp8266' });
  });

  it('refuses an image whose checksum byte does not match its segments', () => {
    const img = buildImage();
    img[40] = img[40]! ^ 0xff;
    expect(validateFirmware('bad.bin', img, 0)).toMatchObject({ ok: false, code: 'image-checksum' });
  });

  it('refuses a truncated download', () => {
    expect(validateFirmware('cut.bin', buildImage().subarray(0, 1000), 0)).toMatchObject({ ok: false, code: 'image-truncated' });
  });

  it('names an ESP32 image instead of flashing it', () => {
    const img = buildImage({ segments: [[0x3f400020, Buffer.alloc(64, 1)]] });
    const r = validateFirmware('esp32.bin', img, 0);
    expect(r).toMatchObject({ ok: false, code: 'image-wrong-chip' });
  });

  it('accepts raw data at other sector-aligned addresses and refuses unaligned ones', () => {
    expect(validateFirmware('fs.bin', Buffer.alloc(100, 1), 0x100000).ok).toBe(true);
    expect(validateFirmware('fs.bin', Buffer.alloc(100, 1), 0x100010)).toMatchObject({ ok: false, code: 'image-address' });
  });

  it('refuses an empty file', () => {
    expect(validateFirmware('empty.bin', Buffer.alloc(0), 0)).toMatchObject({ ok: false, code: 'image-empty' });
  });

  it('checks placement against the flash size and against overlaps', () => {
    expect(checkPlacement([{ name: 'a', address: 0, length: (1 << 20) + 1 }], 1 << 20)).toMatchObject({ ok: false, code: 'image-too-large' });
    expect(checkPlacement([{ name: 'a', address: 0, length: 0x2000 }, { name: 'b', address: 0x1000, length: 10 }], 1 << 20)).toMatchObject({ ok: false, code: 'images-overlap' });
    expect(checkPlacement([{ name: 'a', address: 0, length: 1 << 20 }], 1 << 20)).toEqual({ ok: true });
  });

  it('warns when the header claims more flash than the board has, and about QIO on an ESP8285', () => {
    const r = validateFirmware('fw.bin', buildImage({ flashSizeCode: 4, flashMode: 0 }), 0);
    if (!r.ok) throw new Error('valid image expected');
    const w = headerWarnings('fw.bin', r.info, 1 << 20, 'ESP8285');
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/built for 4 MB flash but the board has 1 MB/);
    expect(w[1]).toMatch(/ESP8285 needs DOUT/);
  });
});
