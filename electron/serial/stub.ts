/**
 * The ESP8266 flasher stub: esp-flasher-stub (Apache-2.0 OR MIT), as shipped in the esptool-js npm package
 * (`lib/targets/stub_flasher/esp8266.json`, text at 0x4010C500, entry 0x4010C504). We only read that data file;
 * none of esptool-js's code runs. The legacy v1 stub (text at 0x4010D000) is GPL and is refused here so a
 * package update cannot silently swap it in.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export interface StubImage {
  text: Buffer;
  textStart: number;
  data: Buffer;
  dataStart: number;
  entry: number;
  source: string;
}

export const STUB_JSON_SPECIFIER = 'esptool-js/lib/targets/stub_flasher/esp8266.json';
/** load address of the legacy GPL stub (esptool targets/stub_flasher/1/esp8266.json) */
const LEGACY_GPL_TEXT_START = 0x4010d000;

export type StubLoad = { ok: true; stub: StubImage } | { ok: false; message: string };

export async function loadStub(path?: string): Promise<StubLoad> {
  let file: string;
  try {
    file = path ?? createRequire(import.meta.url).resolve(STUB_JSON_SPECIFIER);
  } catch (err) {
    return { ok: false, message: `flasher stub not found (${STUB_JSON_SPECIFIER}): ${err instanceof Error ? err.message : String(err)}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    return { ok: false, message: `flasher stub ${file} is unreadable: ${err instanceof Error ? err.message : String(err)}` };
  }
  return parseStub(parsed, file);
}

export function parseStub(json: unknown, source: string): StubLoad {
  if (typeof json !== 'object' || json === null) return { ok: false, message: `${source}: not a stub description` };
  const o = json as Record<string, unknown>;
  const num = (k: string): number | null => (typeof o[k] === 'number' && Number.isInteger(o[k]) ? (o[k] as number) : null);
  const str = (k: string): string | null => (typeof o[k] === 'string' ? (o[k] as string) : null);
  const entry = num('entry');
  const textStart = num('text_start');
  const dataStart = num('data_start');
  const text = str('text');
  const data = str('data');
  if (entry === null || textStart === null || dataStart === null || text === null || data === null) {
    return { ok: false, message: `${source}: missing entry/text/text_start/data/data_start` };
  }
  if (textStart === LEGACY_GPL_TEXT_START) return { ok: false, message: `${source}: this is the legacy GPL stub; refusing to use it` };
  const textBytes = Buffer.from(text, 'base64');
  if (entry < textStart || entry >= textStart + textBytes.length) return { ok: false, message: `${source}: entry point outside the text segment` };
  return { ok: true, stub: { text: textBytes, textStart, data: Buffer.from(data, 'base64'), dataStart, entry, source } };
}
