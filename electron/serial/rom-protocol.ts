/**
 * ESP8266 serial bootloader packets (ROM and flasher stub), as plain values.
 * Sources: esptool docs/en/advanced-topics/serial-protocol.rst ("Command Packet", "Response Packet",
 * "Status bytes", "Checksum"), esptool loader.py opcode table. All multi-byte fields are little-endian.
 */

export const Op = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  ERASE_FLASH: 0xd0,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

export function opName(op: number): string {
  for (const [name, code] of Object.entries(Op)) if (code === op) return name;
  return `0x${op.toString(16).padStart(2, '0')}`;
}

/** SYNC payload: 07 07 12 20 then 32 × 0x55 — the 0x55 run lets the ROM auto-detect the baud rate. */
export const SYNC_PAYLOAD: Buffer = Buffer.concat([Buffer.from([0x07, 0x07, 0x12, 0x20]), Buffer.alloc(32, 0x55)]);

/** [serial-protocol.rst "Checksum"] seed 0xEF XOR every payload byte; only the *_DATA commands carry it. */
export function dataChecksum(data: Uint8Array): number {
  let c = 0xef;
  for (const b of data) c ^= b;
  return c;
}

/** Request: u8 0x00, u8 op, u16 len, u32 checksum, data. */
export function encodeRequest(op: number, data: Uint8Array, checksum = 0): Buffer {
  const out = Buffer.allocUnsafe(8 + data.length);
  out[0] = 0x00;
  out[1] = op;
  out.writeUInt16LE(data.length, 2);
  out.writeUInt32LE(checksum >>> 0, 4);
  out.set(data, 8);
  return out;
}

export function u32s(...words: number[]): Buffer {
  const b = Buffer.allocUnsafe(words.length * 4);
  words.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  return b;
}

export interface Response {
  op: number;
  /** READ_REG result; other commands: ignore (the ROM's SYNC reply carries a non-zero value, the stub's zero) */
  value: number;
  /** payload before the status trailer (e.g. the 16 MD5 bytes of SPI_FLASH_MD5) */
  data: Buffer;
  /** first status byte: 0 = success */
  status: number;
  /** second status byte */
  error: number;
}

/**
 * Response: u8 0x01, u8 op, u16 len, u32 value, data[len]. The ESP8266 ROM and every stub end `data` with
 * 2 status bytes (serial-protocol.rst "Status bytes"; ESP32-family ROMs use 4, not ours). Returns null for a
 * frame that is not a well-formed response (noise that happened to sit between 0xC0 bytes).
 */
export function parseResponse(frame: Uint8Array): Response | null {
  if (frame.length < 10 || frame[0] !== 0x01) return null;
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const len = buf.readUInt16LE(2);
  if (buf.length !== 8 + len || len < 2) return null;
  return {
    op: buf[1]!,
    value: buf.readUInt32LE(4),
    data: Buffer.from(buf.subarray(8, 8 + len - 2)),
    status: buf[8 + len - 2]!,
    error: buf[8 + len - 1]!,
  };
}

/** Plausibility for the SLIP decoder: a response frame or the stub's unsolicited "OHAI" greeting. */
export function isPlausibleLoaderFrame(frame: Uint8Array): boolean {
  if (isOhai(frame)) return true;
  if (frame.length < 10 || frame[0] !== 0x01) return false;
  return frame.length === 8 + (frame[2]! | (frame[3]! << 8));
}

/** The stub's greeting after MEM_END: C0 4F 48 41 49 C0 (serial-protocol.rst; esp-flasher-stub main.c). */
export function isOhai(frame: Uint8Array): boolean {
  return frame.length === 4 && frame[0] === 0x4f && frame[1] === 0x48 && frame[2] === 0x41 && frame[3] === 0x49;
}

/** [serial-protocol.rst "ROM loader errors"] second status byte when the first is 1. */
const romErrors: Record<number, string> = {
  0x05: 'received message is invalid (parameters or length field)',
  0x06: 'failed to act on received message',
  0x07: 'invalid CRC in message (data checksum mismatch)',
  0x08: 'flash write error: data read back did not match what was written',
  0x09: 'flash read error',
  0x0a: 'flash read length error',
};

/** Stub errors arrive in the *first* status byte (esp-flasher-stub commands.h, response code high byte). */
const stubErrors: Record<number, string> = {
  0xc0: 'bad data length',
  0xc1: 'bad data checksum',
  0xc2: 'bad block size',
  0xc3: 'invalid command',
  0xc4: 'SPI flash operation failed',
  0xc5: 'SPI unlock failed',
  0xc6: 'not in flash mode',
  0xc7: 'inflate (decompression) error',
  0xc8: 'not enough data',
  0xc9: 'too much data',
  0xff: 'command not implemented',
};

export interface LoaderStatusError {
  /** 'rom' = status 1 + error byte; 'stub' = error code in the first byte */
  source: 'rom' | 'stub';
  code: number;
  message: string;
}

export function statusError(r: Response): LoaderStatusError | null {
  if (r.status === 0) return null;
  if (r.status === 1) {
    return { source: 'rom', code: r.error, message: romErrors[r.error] ?? `ROM error 0x${r.error.toString(16)}` };
  }
  return { source: 'stub', code: r.status, message: stubErrors[r.status] ?? `stub error 0x${r.status.toString(16)}` };
}

/** True when the device answered "this command does not exist here" (ROM lacks it, or an unknown opcode). */
export function isUnsupported(r: Response, requestOp: number): boolean {
  return (r.op !== requestOp && r.status !== 0 && r.error === 0x05) || (r.op === requestOp && r.status === 1 && r.error === 0x05);
}
