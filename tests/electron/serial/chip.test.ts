import { describe, expect, it } from 'vitest';
import { chipDescription, chipIdFromEfuse, chipNameForMagic, crystalMHz, flashSizeFromId, macFromEfuse } from '../../../electron/serial/chip.js';

describe('ESP8266 identity from registers (esptool targets/esp8266.py)', () => {
  it('names the ESP8266 magic 0xFFF0C101 and other chips by their magic', () => {
    expect(chipNameForMagic(0xfff0c101)).toBe('ESP8266');
    expect(chipNameForMagic(0x00f01d83)).toBe('ESP32');
    expect(chipNameForMagic(0x12345678)).toBeNull();
  });

  it('derives the MAC with the 18:FE:34 OUI when word3 is zero and word1[23:16] is 0', () => {
    expect(macFromEfuse([0xc3000000, 0x0000a1b2, 0, 0])).toBe('18:fe:34:a1:b2:c3');
  });

  it('takes the OUI from word3 when it is non-zero', () => {
    expect(macFromEfuse([0xc3000000, 0x0000a1b2, 0, 0x5ccf7f])).toBe('5c:cf:7f:a1:b2:c3');
  });

  it('computes the chip id Arduino/Tasmota report', () => {
    expect(chipIdFromEfuse([0xc3000000, 0x0000a1b2, 0, 0])).toBe(0xa1b2c3);
  });

  it('recognises an ESP8285 by eFuse bit 4 or bit 80', () => {
    expect(chipDescription([0x10, 0, 0, 0])).toBe('ESP8285');
    expect(chipDescription([0, 0, 0x10000, 0])).toBe('ESP8285');
    expect(chipDescription([0, 0, 0, 0])).toBe('ESP8266EX');
  });

  it('estimates a 26 MHz crystal from the real divider 0x1C4 at 115200 (esptool issue #397)', () => {
    expect(crystalMHz(0x1c4, 115200)).toBe(26);
    expect(crystalMHz(0x2b6, 115200)).toBe(40);
  });

  it('maps the JEDEC capacity byte to a flash size (0x1640EF = 4 MB Winbond)', () => {
    expect(flashSizeFromId(0x1640ef)).toBe(4 << 20);
    expect(flashSizeFromId(0x1440ef)).toBe(1 << 20);
    expect(flashSizeFromId(0x0040ef)).toBeNull();
  });
});
