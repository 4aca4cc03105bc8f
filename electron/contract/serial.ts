/**
 * Contract area `serial`: the USB-serial bench flow (issue 8) — pick a port, flash an ESP8266, give it Wi-Fi and
 * broker settings, watch it arrive on our broker; plus a serial monitor.
 *
 * Vocabulary:
 * - job: one long operation (a flash, a configuration) run by the main process; the request that starts it
 *   answers at once with its id and progress arrives as events, so no invocation waits longer than a moment.
 * - firmware file: bytes staged in the main process (uploaded in chunks from the page, or read from a path on
 *   the host), referred to by `fileId`; the page never holds more than the chunk it is sending.
 * - arrival: the flashed board's CONNECT on our broker, or the broker's view of why it did not come.
 * Secrets (Wi-Fi and MQTT passwords) never come back in any DTO or transcript.
 */

/* ───────────── ports ───────────── */

export interface SerialPortDto {
  path: string;
  /** stable alias under /dev/serial/by-id, null when the system has none */
  byId: string | null;
  /** USB vendor/product id, 4 lower-case hex digits, null when not a USB device */
  vendorId: string | null;
  productId: string | null;
  manufacturer: string | null;
  product: string | null;
  serialNumber: string | null;
  /** known USB-serial bridge (CP210x, CH340, …), null when unknown */
  bridge: { name: string; linuxDriver: string; hint: string } | null;
}

export interface PortListingDto {
  ports: SerialPortDto[];
  /** why the system port list failed (the list then comes from /sys), null when it worked */
  error: string | null;
  fallbackUsed: boolean;
  /** driver and boot-mode advice for what was found */
  hints: string[];
}

/* ───────────── firmware files ───────────── */

export interface FirmwareFileDto {
  fileId: string;
  name: string;
  /** announced total size in bytes */
  size: number;
  /** bytes received so far (uploads arrive in chunks) */
  received: number;
  complete: boolean;
  /** what the header says when the file is an ESP8266 image (checked as if written at 0x0) */
  image: { kind: 'esp8266-v1' | 'esp8266-v2' | 'raw'; flashMode: string | null; headerFlashSize: number | null; flashFreq: string | null } | null;
  /** why the file cannot be flashed at 0x0, null when it can */
  problem: string | null;
  warnings: string[];
}

/* ───────────── flashing ───────────── */

export type FlashErrorCode =
  | 'image-empty'
  | 'image-not-esp8266'
  | 'image-wrong-chip'
  | 'image-truncated'
  | 'image-checksum'
  | 'image-address'
  | 'image-too-large'
  | 'images-overlap'
  | 'file-unreadable'
  | 'bad-request'
  | 'port-busy'
  | 'port-open-failed'
  | 'no-sync'
  | 'wrong-chip'
  | 'stub-failed'
  | 'erase-needs-stub'
  | 'erase-failed'
  | 'write-failed'
  | 'checksum-rejected'
  | 'verify-failed'
  | 'flash-id-failed'
  | 'disconnected'
  | 'timeout'
  | 'cancelled';

export interface ChipInfoDto {
  chip: 'ESP8266EX' | 'ESP8285';
  mac: string;
  /** what Tasmota/Arduino ESP.getChipId() reports */
  chipId: number;
  crystalMHz: number;
  /** JEDEC id (manufacturer | type << 8 | capacity << 16), null when unreadable */
  flashId: number | null;
  /** bytes, null when the capacity code is unknown */
  flashSize: number | null;
}

export interface FlashedFileDto {
  name: string;
  address: number;
  length: number;
  /** 'md5': read back through the stub and compared; 'rom-block-checks': only the ROM's per-block checks */
  verified: 'md5' | 'rom-block-checks';
  md5?: string;
}

export interface FlashStatsDto {
  baudRate: number;
  payloadBytes: number;
  wireBytes: number;
  writeMs: number;
  effectiveBytesPerSecond: number;
  /** wire bytes per second ÷ (baud / 10) */
  lineUtilisation: number;
}

/** The flash flow as a state machine (the esp-web-tools idea); every failure has a code and a sentence. */
export type FlashStateDto =
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number; manual: boolean; message: string }
  | { state: 'detecting' }
  | { state: 'erasing'; scope: 'all' | 'region'; file?: string }
  | { state: 'writing'; file: string; fileIndex: number; fileCount: number; written: number; total: number; bytesPerSecond: number }
  | { state: 'verifying'; file: string }
  | { state: 'done'; chip: ChipInfoDto; files: FlashedFileDto[]; stats: FlashStatsDto; rebooted: boolean; warnings: string[] }
  | { state: 'error'; code: FlashErrorCode; message: string };

export interface FlashLogDto {
  at: number;
  level: 'info' | 'warn';
  message: string;
}

export interface FlashJobDto {
  jobId: number;
  path: string;
  startedAt: number;
  /** true until the state is done or error */
  running: boolean;
  state: FlashStateDto;
  /** the chip as soon as it was identified (also after a later failure) */
  chip: ChipInfoDto | null;
  /** last FLASH_LOG_LINES messages */
  log: FlashLogDto[];
}

export interface FlashRequestDto {
  path: string;
  files: Array<{ fileId: string; address: number }>;
  /** data rate once the flasher stub runs (the ROM syncs at 115200) */
  baudRate: number;
  /** 'default-reset': DTR/RTS into the bootloader; 'no-reset': the user put the board in boot mode */
  before: 'default-reset' | 'no-reset';
  eraseAll: boolean;
}

/* ───────────── configuration ───────────── */

export interface TasmotaSettingsDto {
  ssid: string;
  password: string;
  mqttHost: string;
  mqttPort: number;
  mqttUser: string;
  mqttPassword: string;
  topic: string;
}

export interface SettingCheckDto {
  command: string;
  key: string;
  /** secrets show as "••••" */
  expected: string | number;
  got: string | number | null;
  ok: boolean;
  secret: boolean;
}

export interface ConfigJobDto {
  jobId: number;
  kind: 'tasmota' | 'improv';
  path: string;
  running: boolean;
  ok: boolean | null;
  code: string | null;
  message: string;
  checks: SettingCheckDto[];
  /** what the firmware printed about joining Wi-Fi and the broker */
  wifi: 'connected' | 'failed' | 'unknown';
  mqtt: 'connected' | 'failed' | 'unknown';
  mqttDetail: string | null;
  /** Improv only */
  improv: { state: string | null; firmware: string | null; version: string | null; deviceName: string | null; url: string | null } | null;
  /** console transcript, secrets masked, last CONFIG_TRANSCRIPT_LINES lines */
  transcript: string[];
}

/* ───────────── arrival on our broker ───────────── */

export type ArrivalDto =
  | { status: 'idle' }
  | { status: 'waiting'; since: number; clientId: string | null; topic: string | null }
  | { status: 'connected'; clientId: string; address: string; will: WillViewDto | null; connectedAt: number; keepalive: number; username: string | null }
  | {
      status: 'arrived';
      clientId: string;
      address: string;
      will: WillViewDto | null;
      connectedAt: number;
      keepalive: number;
      username: string | null;
      firstTelemetry: { topicName: string; payload: string; at: number } | null;
    }
  | { status: 'refused'; clientId: string; address: string; returnCode: number; message: string }
  | { status: 'dropped'; clientId: string; address: string; reason: string; message: string }
  | { status: 'never-connected'; message: string; refusedOthers: number };

export interface WillViewDto {
  topicName: string;
  payload: string;
  qos: number;
  retain: boolean;
}

/* ───────────── serial monitor ───────────── */

export interface MonitorLineDto {
  seq: number;
  at: number;
  dir: 'rx' | 'tx' | 'info';
  text: string;
}

export interface MonitorStatusDto {
  open: boolean;
  path: string | null;
  baudRate: number | null;
  /** lines dropped from the front of the bounded history */
  shed: number;
}

/* ───────────── the area ───────────── */

export interface SerialSnapshotDto {
  flash: FlashJobDto | null;
  config: ConfigJobDto | null;
  arrival: ArrivalDto;
  monitor: MonitorStatusDto;
  /** this PC's first non-internal IPv4, to pre-fill the broker host; null when it has none */
  hostAddress: string | null;
  /** the broker's MQTT TCP port, null when the broker is not running */
  mqttPort: number | null;
  monitorBaudRates: number[];
  flashBaudRates: number[];
  /** bytes per upload chunk the main process accepts */
  uploadChunkBytes: number;
  /** largest firmware file accepted */
  maxFileBytes: number;
}

type Empty = Record<string, never>;

export interface SerialRequests {
  'serial.snapshot': { request: Empty; response: SerialSnapshotDto };
  /** never fails: a failed system listing comes back as `error` with the ports found in /sys */
  'serial.ports': { request: Empty; response: PortListingDto };
  /** one chunk of a firmware file; the first chunk (offset 0, no fileId) creates the file */
  'serial.upload': { request: { fileId?: string; name: string; size: number; offset: number; dataBase64: string }; response: FirmwareFileDto };
  /** stage a firmware file that lives on the host running Fleetwatch */
  'serial.useHostFile': { request: { path: string }; response: FirmwareFileDto };
  /** starts a flash job (stops the monitor on that port first) */
  'serial.flash': { request: FlashRequestDto; response: { jobId: number } };
  /** cancels the running flash or configuration job and stops waiting for arrival */
  'serial.cancel': { request: Empty; response: { cancelled: boolean } };
  /** starts configuring Tasmota over its console, and watching for its arrival on our broker */
  'serial.configureTasmota': { request: { path: string; settings: TasmotaSettingsDto }; response: { jobId: number } };
  /** starts Improv Wi-Fi provisioning (ESPHome, WLED), and watching for the node's arrival */
  'serial.provisionImprov': { request: { path: string; ssid: string; password: string }; response: { jobId: number } };
  /** watch for a board by client id and/or topic without configuring it */
  'serial.watchArrival': { request: { clientId?: string; topic?: string; timeoutMs?: number }; response: ArrivalDto };
  'serial.monitorStart': { request: { path: string; baudRate: number }; response: MonitorStatusDto };
  'serial.monitorStop': { request: Empty; response: MonitorStatusDto };
  'serial.monitorSend': { request: { text: string; lineEnding: 'lf' | 'crlf' | 'none' }; response: Empty };
  /** lines after `sinceSeq` (0 = the whole bounded history) */
  'serial.monitorLines': { request: { sinceSeq: number }; response: { lines: MonitorLineDto[]; shed: number } };
}

export interface SerialEvents {
  /** every state change of the flash job (writing progress at most every 100 ms) */
  'serial.flash': FlashJobDto;
  'serial.config': ConfigJobDto;
  'serial.arrival': ArrivalDto;
  /** new monitor lines in batches (at most every 100 ms) with the current status */
  'serial.monitor': { lines: MonitorLineDto[]; status: MonitorStatusDto };
}
