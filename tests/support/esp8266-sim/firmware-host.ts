/** What a simulated firmware (Tasmota, ESPHome) can do with the board it runs on. */
import type { SimConfig } from './config.js';

export interface FirmwareHost {
  readonly config: SimConfig;
  readonly chipId: number;
  readonly mac: string;
  /** text on the UART at the application baud rate (115200) */
  print(text: string): void;
  /** raw bytes on the UART (Improv packets) */
  printBytes(bytes: Buffer): void;
  /** software restart: the ROM banner, then the firmware boots again */
  restart(reason: string): void;
  event(name: string, data?: Record<string, unknown>): void;
  /** settings that survive a restart (they live in the simulated flash's config sector) */
  settings: Record<string, string | number>;
  setTimer(fn: () => void, ms: number): void;
}

export interface Firmware {
  boot(): void;
  input(bytes: Buffer): void;
  stop(): void;
}
