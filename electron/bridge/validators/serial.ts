import type { SerialEvents, SerialRequests, TasmotaSettingsDto } from '../../contract/index.js';
import type { AreaEventNames, AreaValidators } from './index.js';
import { emptyRequest, invalid, isPlainObject, unknownKeys, valid, type Validation } from './guards.js';

const MAX_PATH = 4096;
const MAX_TEXT = 1024;
/** base64 of one 512 KiB upload chunk */
const MAX_BASE64 = Math.ceil((512 * 1024) / 3) * 4;

function fields(input: unknown, allowed: readonly string[]): Validation<Record<string, unknown>> {
  if (!isPlainObject(input)) return invalid('request must be an object');
  const extra = unknownKeys(input, allowed);
  return extra.length > 0 ? invalid(`unexpected field(s): ${extra.join(', ')}`) : valid(input);
}

function str(v: unknown, key: string, max: number, min = 1): Validation<string> {
  return typeof v === 'string' && v.length >= min && v.length <= max ? valid(v) : invalid(`${key} must be a string of ${min}–${max} characters`);
}

function int(v: unknown, key: string, min: number, max: number): Validation<number> {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? valid(v) : invalid(`${key} must be an integer from ${min} to ${max}`);
}

/** A device path: absolute, no NUL (it goes to open(2)). */
function devicePath(v: unknown, key = 'path'): Validation<string> {
  const s = str(v, key, MAX_PATH);
  if (!s.ok) return s;
  return s.value.startsWith('/') || /^COM\d+$/i.test(s.value) ? (s.value.includes('\0') ? invalid(`${key} contains NUL`) : s) : invalid(`${key} must be an absolute path (e.g. /dev/ttyUSB0) or COMn`);
}

function settings(v: unknown): Validation<TasmotaSettingsDto> {
  const f = fields(v, ['ssid', 'password', 'mqttHost', 'mqttPort', 'mqttUser', 'mqttPassword', 'topic']);
  if (!f.ok) return f;
  const o = f.value;
  const checks: Array<Validation<unknown>> = [
    str(o['ssid'], 'ssid', 32),
    str(o['password'], 'password', 64, 0),
    str(o['mqttHost'], 'mqttHost', 253),
    int(o['mqttPort'], 'mqttPort', 1, 65535),
    str(o['mqttUser'], 'mqttUser', 32, 0),
    str(o['mqttPassword'], 'mqttPassword', 64, 0),
    str(o['topic'], 'topic', 32),
  ];
  for (const c of checks) if (!c.ok) return invalid(c.message);
  return valid({
    ssid: o['ssid'] as string,
    password: o['password'] as string,
    mqttHost: o['mqttHost'] as string,
    mqttPort: o['mqttPort'] as number,
    mqttUser: o['mqttUser'] as string,
    mqttPassword: o['mqttPassword'] as string,
    topic: o['topic'] as string,
  });
}

export const serialValidators: AreaValidators<SerialRequests> = {
  'serial.snapshot': emptyRequest,
  'serial.ports': emptyRequest,
  'serial.upload': (input) => {
    const f = fields(input, ['fileId', 'name', 'size', 'offset', 'dataBase64']);
    if (!f.ok) return f;
    const o = f.value;
    const name = str(o['name'], 'name', 255);
    if (!name.ok) return name;
    const size = int(o['size'], 'size', 1, 16 << 20);
    if (!size.ok) return size;
    const offset = int(o['offset'], 'offset', 0, 16 << 20);
    if (!offset.ok) return offset;
    const data = o['dataBase64'];
    if (typeof data !== 'string' || data.length > MAX_BASE64 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return invalid('dataBase64 must be base64 of at most 512 KiB');
    const fileId = o['fileId'];
    if (fileId !== undefined && (typeof fileId !== 'string' || !/^fw\d{1,9}$/.test(fileId))) return invalid('fileId is not a firmware file id');
    return valid({ ...(fileId === undefined ? {} : { fileId: fileId as string }), name: name.value, size: size.value, offset: offset.value, dataBase64: data });
  },
  'serial.useHostFile': (input) => {
    const f = fields(input, ['path']);
    if (!f.ok) return f;
    const p = str(f.value['path'], 'path', MAX_PATH);
    if (!p.ok) return p;
    return p.value.startsWith('/') && !p.value.includes('\0') ? valid({ path: p.value }) : invalid('path must be an absolute path on the host');
  },
  'serial.flash': (input) => {
    const f = fields(input, ['path', 'files', 'baudRate', 'before', 'eraseAll']);
    if (!f.ok) return f;
    const o = f.value;
    const path = devicePath(o['path']);
    if (!path.ok) return path;
    const baud = int(o['baudRate'], 'baudRate', 9600, 4_000_000);
    if (!baud.ok) return baud;
    if (o['before'] !== 'default-reset' && o['before'] !== 'no-reset') return invalid('before must be "default-reset" or "no-reset"');
    if (typeof o['eraseAll'] !== 'boolean') return invalid('eraseAll must be true or false');
    const list = o['files'];
    if (!Array.isArray(list) || list.length === 0 || list.length > 8) return invalid('files must list 1 to 8 { fileId, address }');
    const files: Array<{ fileId: string; address: number }> = [];
    for (const item of list) {
      const fi = fields(item, ['fileId', 'address']);
      if (!fi.ok) return invalid(`files: ${fi.message}`);
      const id = fi.value['fileId'];
      if (typeof id !== 'string' || !/^fw\d{1,9}$/.test(id)) return invalid('files: fileId is not a firmware file id');
      const addr = int(fi.value['address'], 'address', 0, (16 << 20) - 1);
      if (!addr.ok) return invalid(`files: ${addr.message}`);
      files.push({ fileId: id, address: addr.value });
    }
    return valid({ path: path.value, files, baudRate: baud.value, before: o['before'], eraseAll: o['eraseAll'] });
  },
  'serial.cancel': emptyRequest,
  'serial.configureTasmota': (input) => {
    const f = fields(input, ['path', 'settings']);
    if (!f.ok) return f;
    const path = devicePath(f.value['path']);
    if (!path.ok) return path;
    const s = settings(f.value['settings']);
    return s.ok ? valid({ path: path.value, settings: s.value }) : invalid(`settings: ${s.message}`);
  },
  'serial.provisionImprov': (input) => {
    const f = fields(input, ['path', 'ssid', 'password']);
    if (!f.ok) return f;
    const path = devicePath(f.value['path']);
    if (!path.ok) return path;
    const ssid = str(f.value['ssid'], 'ssid', 32);
    if (!ssid.ok) return ssid;
    const pw = str(f.value['password'], 'password', 64, 0);
    if (!pw.ok) return pw;
    return valid({ path: path.value, ssid: ssid.value, password: pw.value });
  },
  'serial.watchArrival': (input) => {
    const f = fields(input ?? {}, ['clientId', 'topic', 'timeoutMs']);
    if (!f.ok) return f;
    const out: { clientId?: string; topic?: string; timeoutMs?: number } = {};
    if (f.value['clientId'] !== undefined) {
      const c = str(f.value['clientId'], 'clientId', 256);
      if (!c.ok) return c;
      out.clientId = c.value;
    }
    if (f.value['topic'] !== undefined) {
      const t = str(f.value['topic'], 'topic', 256);
      if (!t.ok) return t;
      out.topic = t.value;
    }
    if (out.clientId === undefined && out.topic === undefined) return invalid('give a clientId or a topic');
    if (f.value['timeoutMs'] !== undefined) {
      const t = int(f.value['timeoutMs'], 'timeoutMs', 1000, 3_600_000);
      if (!t.ok) return t;
      out.timeoutMs = t.value;
    }
    return valid(out);
  },
  'serial.monitorStart': (input) => {
    const f = fields(input, ['path', 'baudRate']);
    if (!f.ok) return f;
    const path = devicePath(f.value['path']);
    if (!path.ok) return path;
    const baud = int(f.value['baudRate'], 'baudRate', 300, 4_000_000);
    return baud.ok ? valid({ path: path.value, baudRate: baud.value }) : baud;
  },
  'serial.monitorStop': emptyRequest,
  'serial.monitorSend': (input) => {
    const f = fields(input, ['text', 'lineEnding']);
    if (!f.ok) return f;
    const text = str(f.value['text'], 'text', MAX_TEXT, 0);
    if (!text.ok) return text;
    const le = f.value['lineEnding'];
    if (le !== 'lf' && le !== 'crlf' && le !== 'none') return invalid('lineEnding must be "lf", "crlf" or "none"');
    return valid({ text: text.value, lineEnding: le });
  },
  'serial.monitorLines': (input) => {
    const f = fields(input, ['sinceSeq']);
    if (!f.ok) return f;
    const s = int(f.value['sinceSeq'], 'sinceSeq', 0, Number.MAX_SAFE_INTEGER);
    return s.ok ? valid({ sinceSeq: s.value }) : s;
  },
};

export const serialEventNames: AreaEventNames<SerialEvents> = {
  'serial.flash': true,
  'serial.config': true,
  'serial.arrival': true,
  'serial.monitor': true,
};
