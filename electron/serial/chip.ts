/**
 * Identity facts read from an ESP8266 through READ_REG (esptool targets/esp8266.py, loader.py).
 * Pure functions over register words, so they are tested without a device.
 */

/** esptool loader.py CHIP_DETECT_MAGIC_REG_ADDR */
export const CHIP_DETECT_MAGIC_REG = 0x40001000;
/** esptool targets/esp8266.py CHIP_DETECT_MAGIC_VALUE */
export const ESP8266_MAGIC = 0xfff0c101;

/** Magic values of other Espressif chips (esptool targets/*.py), only to name the chip in the refusal. */
const otherChips: Array<[number, string]> = [
  [0x00f01d83, 'ESP32'],
  [0x000007c6, 'ESP32-S2'],
  [0x00000009, 'ESP32-S3'],
  [0x6921506f, 'ESP32-C3'],
  [0x1b31506f, 'ESP32-C3'],
  [0x6f51306f, 'ESP32-C2'],
  [0x7c41a06f, 'ESP32-C2'],
  [0x2ce0806f, 'ESP32-C6'],
  [0xd7b73e80, 'ESP32-H2'],
];

export function chipNameForMagic(magic: number): string | null {
  if (magic >>> 0 === ESP8266_MAGIC) return 'ESP8266';
  for (const [m, name] of otherChips) if (m === magic >>> 0) return name;
  return null;
}

/** eFuse words (esp8266.py ESP_OTP_MAC0..3). */
export const EFUSE_REGS = [0x3ff00050, 0x3ff00054, 0x3ff00058, 0x3ff0005c] as const;
export type EfuseWords = readonly [number, number, number, number];

/** [esp8266.py get_chip_description] ESP8285 (flash in package) when eFuse bit 4 or bit 80 is set. */
export function chipDescription(efuse: EfuseWords): 'ESP8266EX' | 'ESP8285' {
  const bit4 = (efuse[0] >>> 4) & 1;
  const bit80 = (efuse[2] >>> 16) & 1;
  return bit4 || bit80 ? 'ESP8285' : 'ESP8266EX';
}

/**
 * [esp8266.py read_mac] OUI from word3 if non-zero, else 18:FE:34 when word1[23:16] = 0, AC:D0:74 when 1;
 * then word1[15:8], word1[7:0], word0[31:24]. Returns null for an unknown OUI selector.
 */
export function macFromEfuse(efuse: EfuseWords): string | null {
  const [mac0, mac1, , mac3] = efuse;
  let oui: number[];
  if (mac3 !== 0) oui = [(mac3 >>> 16) & 0xff, (mac3 >>> 8) & 0xff, mac3 & 0xff];
  else if (((mac1 >>> 16) & 0xff) === 0) oui = [0x18, 0xfe, 0x34];
  else if (((mac1 >>> 16) & 0xff) === 1) oui = [0xac, 0xd0, 0x74];
  else return null;
  const bytes = [...oui, (mac1 >>> 8) & 0xff, mac1 & 0xff, (mac0 >>> 24) & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** [esp8266.py chip_id] what Arduino/Tasmota ESP.getChipId() reports. */
export function chipIdFromEfuse(efuse: EfuseWords): number {
  return ((efuse[0] >>> 24) | ((efuse[1] & 0xffffff) << 8)) >>> 0;
}

/** UART clock divider register (loader.py get_crystal_freq reads UART_CLKDIV_REG). */
export const UART_CLKDIV_REG = 0x60000014;

/** [loader.py get_crystal_freq] divider × baud / 1e6 / 2, snapped to the nearest of 26 or 40 MHz. */
export function crystalMHz(clkdiv: number, baudRate: number): number {
  const raw = ((clkdiv & 0xfffff) * baudRate) / 1e6 / 2;
  return Math.abs(raw - 26) <= Math.abs(raw - 40) ? 26 : 40;
}

/** [cmds.py DETECTED_FLASH_SIZES] capacity byte of the JEDEC id → bytes. */
const capacityBytes: Record<number, number> = {
  0x12: 256 * 1024,
  0x13: 512 * 1024,
  0x14: 1 << 20,
  0x15: 2 << 20,
  0x16: 4 << 20,
  0x17: 8 << 20,
  0x18: 16 << 20,
};

export function flashSizeFromId(flashId: number): number | null {
  return capacityBytes[(flashId >>> 16) & 0xff] ?? null;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes >> 20} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes >> 10} KB`;
  return `${bytes} B`;
}

/** SPI0 user-command registers of the ESP8266 (esp8266.py SPI_REG_BASE, SPI_W0_OFFS; loader.py run_spiflash_command). */
export const SPI0 = {
  BASE: 0x60000200,
  CMD: 0x60000200,
  USR: 0x6000021c,
  USR1: 0x60000220,
  USR2: 0x60000224,
  W0: 0x60000240,
  /** SPI_CMD_REG bit that starts a user command and reads back 0 when done */
  CMD_USR: 1 << 18,
  USR_COMMAND: 1 << 31,
  USR_MISO: 1 << 28,
  USR_MOSI: 1 << 27,
  /** USR1 on the ESP8266 holds both bit lengths (no MOSI_DLEN register; esptool-js 0.7.0 defect 3 gets this wrong) */
  USR1_MISO_BITLEN_SHIFT: 8,
  USR1_MOSI_BITLEN_SHIFT: 17,
  USR2_DLEN_SHIFT: 28,
  RDID: 0x9f,
} as const;
