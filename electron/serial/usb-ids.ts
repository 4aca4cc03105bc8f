/**
 * USB-serial bridges found on ESP8266 boards, with what a user needs to know to get a port at all.
 * VID:PID pairs are the vendors' published ids (also in the Linux kernel's cp210x/ch341/ftdi_sio/cdc_acm tables).
 */
export interface BridgeInfo {
  name: string;
  /** Linux kernel driver that binds it */
  linuxDriver: string;
  hint: string;
}

const bridges: Record<string, BridgeInfo> = {
  '10c4:ea60': {
    name: 'Silicon Labs CP210x',
    linuxDriver: 'cp210x',
    hint: 'CP210x (NodeMCU v1, Wemos D1 mini Pro): built into Linux; on Windows/macOS install the Silicon Labs "CP210x VCP" driver.',
  },
  '1a86:7523': {
    name: 'WCH CH340',
    linuxDriver: 'ch341',
    hint: 'CH340 (Wemos D1 mini, NodeMCU v3 "LoLin"): Linux uses ch341; on Ubuntu 22.04 the brltty package can grab the port (remove brltty); Windows/macOS need the WCH CH34x driver.',
  },
  '1a86:55d4': {
    name: 'WCH CH9102',
    linuxDriver: 'cdc_acm or ch343',
    hint: 'CH9102 (newer D1 mini clones): appears as /dev/ttyACM* with cdc_acm; if flashing fails at high speed, install the WCH CH343 driver or stay at 115200.',
  },
  '0403:6001': {
    name: 'FTDI FT232R',
    linuxDriver: 'ftdi_sio',
    hint: 'FTDI FT232R adapter: built into Linux; an ESP-01 on such an adapter has no auto-reset — hold GPIO0 low and power-cycle or press RESET.',
  },
  '0403:6015': {
    name: 'FTDI FT231X',
    linuxDriver: 'ftdi_sio',
    hint: 'FTDI FT231X adapter: built into Linux; check whether your adapter wires DTR/RTS for auto-reset.',
  },
  '303a:1001': {
    name: 'Espressif USB JTAG/serial',
    linuxDriver: 'cdc_acm',
    hint: 'This is the built-in USB of an ESP32-C3/S3, not an ESP8266 board: Fleetwatch flashes ESP8266 boards only.',
  },
};

export function bridgeFor(vendorId?: string, productId?: string): BridgeInfo | null {
  if (!vendorId || !productId) return null;
  return bridges[`${vendorId.toLowerCase().padStart(4, '0')}:${productId.toLowerCase().padStart(4, '0')}`] ?? null;
}

export const BOOT_MODE_HINT =
  'Boot mode: boards with a USB bridge and auto-reset (NodeMCU, D1 mini) are reset into the bootloader automatically. ' +
  'Bare modules (ESP-01, ESP-12 on an adapter): connect GPIO0 to GND, then power-cycle or press RESET; GPIO15 must be low and GPIO2 high.';
