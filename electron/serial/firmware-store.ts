/**
 * Firmware files staged in the main process: uploaded from the page in chunks (a browser or a sandboxed renderer
 * cannot hand us a path) or read from a path on the host. Bounded: at most MAX_STAGED_FILES files and
 * MAX_STAGED_BYTES in total; the oldest file is dropped first and later reported as "not found".
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { validateFirmware } from './image.js';
import type { FirmwareFileDto } from '../contract/serial.js';

/** ESP8266 flash is at most 16 MB */
export const MAX_FILE_BYTES = 16 << 20;
export const MAX_STAGED_FILES = 8;
export const MAX_STAGED_BYTES = 32 << 20;
/** raw bytes per upload chunk: base64 of it plus JSON stays well under the bridge's 1 MiB frame */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;

export class StoreRejection extends Error {
  constructor(
    readonly code: 'bad-request' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

interface Staged {
  fileId: string;
  name: string;
  data: Buffer;
  received: number;
  at: number;
}

export class FirmwareStore {
  private readonly files = new Map<string, Staged>();
  private nextId = 1;
  /** files dropped to stay within the bounds (never silent: the count is kept and a later lookup says why) */
  evicted = 0;

  upload(req: { fileId?: string; name: string; size: number; offset: number; dataBase64: string }): FirmwareFileDto {
    const chunk = Buffer.from(req.dataBase64, 'base64');
    if (chunk.length > UPLOAD_CHUNK_BYTES) throw new StoreRejection('bad-request', `a chunk may hold at most ${UPLOAD_CHUNK_BYTES} bytes`);
    let file: Staged | undefined;
    if (req.fileId === undefined) {
      if (req.offset !== 0) throw new StoreRejection('bad-request', 'the first chunk starts at offset 0');
      if (!Number.isInteger(req.size) || req.size <= 0 || req.size > MAX_FILE_BYTES) throw new StoreRejection('bad-request', `the file must be 1 byte to ${MAX_FILE_BYTES >> 20} MB`);
      file = this.add(req.name, Buffer.alloc(req.size), 0);
    } else {
      file = this.files.get(req.fileId);
      if (!file) throw new StoreRejection('not-found', `no upload ${req.fileId} (it was dropped to make room, or never started)`);
    }
    if (req.offset !== file.received) throw new StoreRejection('bad-request', `expected the chunk at offset ${file.received}, got ${req.offset}`);
    if (req.offset + chunk.length > file.data.length) throw new StoreRejection('bad-request', 'the chunk goes past the announced size');
    chunk.copy(file.data, req.offset);
    file.received += chunk.length;
    return describe(file);
  }

  async fromHost(path: string): Promise<FirmwareFileDto> {
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new StoreRejection('bad-request', `${path} is not a file`);
      size = st.size;
    } catch (err) {
      if (err instanceof StoreRejection) throw err;
      throw new StoreRejection('not-found', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err)}`);
    }
    if (size === 0 || size > MAX_FILE_BYTES) throw new StoreRejection('bad-request', `${path}: firmware must be 1 byte to ${MAX_FILE_BYTES >> 20} MB`);
    const data = await readFile(path);
    return describe(this.add(basename(path), data, data.length));
  }

  /** The complete bytes of a staged file, or why there are none. */
  get(fileId: string): { name: string; data: Buffer } {
    const f = this.files.get(fileId);
    if (!f) throw new StoreRejection('not-found', `no firmware file ${fileId} (upload it again)`);
    if (f.received !== f.data.length) throw new StoreRejection('bad-request', `${f.name} is not completely uploaded (${f.received} of ${f.data.length} bytes)`);
    return { name: f.name, data: f.data };
  }

  private add(name: string, data: Buffer, received: number): Staged {
    const clean = name.replace(/[^\w.\- ]/g, '_').slice(0, 120) || 'firmware.bin';
    const file: Staged = { fileId: `fw${this.nextId++}`, name: clean, data, received, at: Date.now() };
    this.files.set(file.fileId, file);
    let total = [...this.files.values()].reduce((n, f) => n + f.data.length, 0);
    for (const old of [...this.files.values()]) {
      if (this.files.size <= MAX_STAGED_FILES && total <= MAX_STAGED_BYTES) break;
      if (old === file) continue;
      this.files.delete(old.fileId);
      total -= old.data.length;
      this.evicted++;
    }
    return file;
  }
}

function describe(f: Staged): FirmwareFileDto {
  const complete = f.received === f.data.length;
  const base: FirmwareFileDto = { fileId: f.fileId, name: f.name, size: f.data.length, received: f.received, complete, image: null, problem: null, warnings: [] };
  if (!complete) return base;
  const check = validateFirmware(f.name, f.data, 0);
  if (!check.ok) return { ...base, problem: check.message };
  const i = check.info;
  return {
    ...base,
    image: { kind: i.kind, flashMode: i.flashMode ?? null, headerFlashSize: i.headerFlashSize ?? null, flashFreq: i.flashFreq ?? null },
    warnings: check.warnings,
  };
}
