/**
 * Register file of the simulated chip: the chip-detect magic, the eFuse words the MAC comes from, the UART clock
 * divider and the SPI0 user-command registers that answer RDID (0x9F) with the JEDEC id.
 */
import type { SimConfig } from './config.js';
import { jedecIdFor } from './config.js';

const MAGIC: Record<SimConfig['chip'], number> = { esp8266: 0xfff0c101, esp8285: 0xfff0c101, esp32: 0x00f01d83 };

const SPI_CMD = 0x60000200;
const SPI_USR = 0x6000021c;
const SPI_USR1 = 0x60000220;
const SPI_USR2 = 0x60000224;
const SPI_W0 = 0x60000240;
const CMD_USR = 1 << 18;

/** The inverse of esptool's read_mac: eFuse words that produce `mac` (ESP8266.md §4). */
export function efuseWordsFor(mac: string, esp8285: boolean): [number, number, number, number] {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  if (b.length !== 6 || b.some((x) => !(x >= 0 && x <= 255))) throw new Error(`bad MAC ${mac}`);
  const [m0, m1, m2, m3, m4, m5] = b as [number, number, number, number, number, number];
  let word3 = 0;
  let selector = 0;
  if (m0 === 0x18 && m1 === 0xfe && m2 === 0x34) selector = 0;
  else if (m0 === 0xac && m1 === 0xd0 && m2 === 0x74) selector = 1;
  else word3 = (m0 << 16) | (m1 << 8) | m2;
  const word0 = ((m5 << 24) | (esp8285 ? 1 << 4 : 0) | 0x2a) >>> 0;
  const word1 = ((selector << 16) | (m3 << 8) | m4) >>> 0;
  return [word0, word1, 0, word3 >>> 0];
}

export class Registers {
  private readonly spi = new Map<number, number>();
  private readonly efuse: [number, number, number, number];

  constructor(
    private readonly config: SimConfig,
    private readonly currentBaud: () => number,
  ) {
    this.efuse = efuseWordsFor(config.mac, config.chip === 'esp8285');
    this.spi.set(SPI_USR, 0x80000064);
    this.spi.set(SPI_USR2, 0x70000003);
  }

  read(addr: number): number {
    switch (addr >>> 0) {
      case 0x40001000:
        return MAGIC[this.config.chip];
      case 0x3ff00050:
        return this.efuse[0];
      case 0x3ff00054:
        return this.efuse[1];
      case 0x3ff00058:
        return this.efuse[2];
      case 0x3ff0005c:
        return this.efuse[3];
      case 0x60000014:
        // UART_CLKDIV: the ROM derives it from the auto-detected baud (52 MHz UART clock with a 26 MHz crystal)
        return Math.round((this.config.crystalMHz * 2e6) / this.currentBaud()) & 0xfffff;
      default:
        return this.spi.get(addr >>> 0) ?? 0;
    }
  }

  write(addr: number, value: number, mask: number): void {
    const a = addr >>> 0;
    const merged = ((value & mask) | ((this.spi.get(a) ?? 0) & ~mask)) >>> 0;
    this.spi.set(a, merged);
    if (a === SPI_CMD && merged & CMD_USR) this.runUserCommand();
  }

  /** Execute an SPI user command the way the ESP8266 SPI0 controller does, as far as RDID needs it. */
  private runUserCommand(): void {
    const usr = this.spi.get(SPI_USR) ?? 0;
    const usr1 = this.spi.get(SPI_USR1) ?? 0;
    const usr2 = this.spi.get(SPI_USR2) ?? 0;
    const command = usr2 & 0xff;
    const misoBits = ((usr1 >>> 8) & 0x1ff) + 1;
    if (command === 0x9f && usr & (1 << 28)) {
      const id = this.config.flashId ?? jedecIdFor(this.config.flashSize);
      const mask = misoBits >= 32 ? 0xffffffff : (1 << misoBits) - 1;
      this.spi.set(SPI_W0, (id & mask) >>> 0);
    }
    this.spi.set(SPI_CMD, (this.spi.get(SPI_CMD) ?? 0) & ~CMD_USR);
  }
}
