/** Configuration of the simulated ESP8266 board (what a test chooses about the hardware and its faults). */

export interface SimFaults {
  /** no reply at all, not even boot text (unpowered board, TX/RX swapped) */
  dead?: boolean;
  /** FLASH_DATA / FLASH_DEFL_DATA sequence numbers whose data arrive with one bit flipped, once each */
  corruptBlocksOnce?: number[];
  /** flip a bit in every data block (a hopeless cable): the flasher must give up */
  corruptAllBlocks?: boolean;
  /** after this many acknowledged data blocks, ask the harness to pull the cable (kill socat) and go quiet */
  unplugAfterBlocks?: number;
}

export interface WifiNetwork {
  ssid: string;
  password: string;
}

export interface SimConfig {
  /** 'esp32' answers like an ESP32 ROM (other magic, 4 status bytes) for the wrong-chip test */
  chip: 'esp8266' | 'esp8285' | 'esp32';
  mac: string;
  crystalMHz: 26 | 40;
  flashSize: number;
  /** JEDEC id; default derived from flashSize (Winbond 0xEF, type 0x40) */
  flashId?: number;
  /** false = no DTR/RTS transistors (ESP-01 style): line changes do nothing, reset is by hand */
  autoResetCircuit: boolean;
  /** GPIO0 at power-on: 'download' = BOOT held (ROM loader), 'flash' = boots the firmware */
  bootMode: 'download' | 'flash';
  /** what the flashed firmware behaves like once it boots */
  firmware: 'tasmota' | 'esphome' | 'silent';
  /** ROM link baud at power-on (the ROM auto-detects; we assume the host's 115200) */
  initialBaud: number;
  /** the baud rate the host's port is set to, as far as the simulated wire is concerned */
  hostBaud: number;
  /** deliver and send bytes no faster than baud/10 per second (a pty itself is not paced) */
  pace: boolean;
  /** modelled NOR timings (0 = instant) */
  eraseMsPerSector: number;
  programMsPerKb: number;
  /** USB-UART bridge turnaround added to every loader reply (ms); a pty has none, a CH340/CP210x has ~1-16 */
  replyLatencyMs: number;
  faults: SimFaults;
  /** access points the simulated firmware can join */
  wifi: WifiNetwork[];
  /** ESPHome's compiled-in broker (Improv carries Wi-Fi only) */
  esphome: { name: string; mqttHost: string; mqttPort: number; version: string };
  /** Tasmota TelePeriod stand-in: first STATE this long after MQTT connect */
  teleperiodMs: number;
  /** keepalive the simulated firmware announces in CONNECT (s) */
  keepaliveSec: number;
  /** stop all MQTT traffic this long after connecting (to provoke a keepalive timeout on the broker) */
  mqttStallAfterMs?: number;
  /** delay before the firmware retries a refused/failed MQTT connection */
  mqttRetryMs: number;
}

export function defaultConfig(): SimConfig {
  return {
    chip: 'esp8266',
    mac: '5c:cf:7f:a1:b2:c3',
    crystalMHz: 26,
    flashSize: 1 << 20,
    autoResetCircuit: true,
    bootMode: 'download',
    firmware: 'tasmota',
    initialBaud: 115200,
    hostBaud: 115200,
    pace: false,
    eraseMsPerSector: 0,
    programMsPerKb: 0,
    replyLatencyMs: 0,
    faults: {},
    wifi: [{ ssid: 'benchlab', password: 'sensors-only' }],
    esphome: { name: 'esphome-node', mqttHost: '127.0.0.1', mqttPort: 1883, version: '2024.6.0' },
    teleperiodMs: 300,
    keepaliveSec: 30,
    mqttRetryMs: 1000,
  };
}

export function jedecIdFor(flashSize: number): number {
  const capacity = Math.round(Math.log2(flashSize));
  return (0xef | (0x40 << 8) | (capacity << 16)) >>> 0;
}
