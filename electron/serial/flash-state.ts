/**
 * The flash flow as a discriminated union the UI renders (the esp-web-tools `FlashStateType` idea):
 * every state the user can see, and every failure as a code plus a sentence a person can act on.
 */
import type { ImageErrorCode } from './image.js';

export type FlashErrorCode =
  | ImageErrorCode
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

export interface ChipInfo {
  chip: 'ESP8266EX' | 'ESP8285';
  mac: string;
  /** what Tasmota/Arduino ESP.getChipId() reports */
  chipId: number;
  crystalMHz: number;
  /** JEDEC id (manufacturer | type << 8 | capacity << 16), null when it could not be read */
  flashId: number | null;
  /** bytes, null when the JEDEC capacity code is unknown */
  flashSize: number | null;
}

export interface FileResult {
  name: string;
  address: number;
  length: number;
  /** 'md5': read back through the stub and compared; 'rom-block-checks': only the ROM's per-block checks */
  verified: 'md5' | 'rom-block-checks';
  md5?: string;
}

export interface FlashStats {
  /** baud rate the data went over */
  baudRate: number;
  /** file bytes written (uncompressed) */
  payloadBytes: number;
  /** bytes put on the wire while writing (SLIP-encoded, compressed when the stub inflates) */
  wireBytes: number;
  writeMs: number;
  /** payloadBytes per second while writing */
  effectiveBytesPerSecond: number;
  /** wireBytes per second ÷ (baud / 10): how much of the 8N1 line the write used */
  lineUtilisation: number;
}

export type FlashState =
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number; manual: boolean; message: string }
  | { state: 'detecting' }
  | { state: 'erasing'; scope: 'all' | 'region'; file?: string }
  | { state: 'writing'; file: string; fileIndex: number; fileCount: number; written: number; total: number; bytesPerSecond: number }
  | { state: 'verifying'; file: string }
  | { state: 'done'; chip: ChipInfo; files: FileResult[]; stats: FlashStats; rebooted: boolean; warnings: string[] }
  | { state: 'error'; code: FlashErrorCode; message: string };

export type FlashLogLevel = 'info' | 'warn';
export interface FlashLog {
  level: FlashLogLevel;
  message: string;
}

export class FlashError extends Error {
  constructor(
    readonly code: FlashErrorCode,
    message: string,
  ) {
    super(message);
  }
}
