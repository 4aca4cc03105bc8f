/**
 * Configure Tasmota over its serial console and check every value against the firmware's replies (ESP8266.md §9;
 * Tasmota support_command.ino, xdrv_02_9_mqtt.ino). One `Backlog` line carries all settings, so the restart that
 * SSID/MQTT changes trigger waits until the last one is applied. Replies are `RSL: RESULT = {json}` (or `MQT:
 * stat/<topic>/RESULT = {json}` when MQTT is up). Tasmota echoes Password1 and MqttPassword in clear: every line
 * we expose is masked.
 */
import type { ByteLink } from './byte-link.js';
import { LineSplitter } from './line-splitter.js';

export interface TasmotaSettings {
  ssid: string;
  password: string;
  mqttHost: string;
  mqttPort: number;
  mqttUser?: string;
  mqttPassword?: string;
  topic: string;
  fullTopic?: string;
}

export interface SettingCheck {
  command: string;
  /** the key Tasmota answers with (SSId1, MqttPort, …) */
  key: string;
  expected: string | number;
  got: string | number | null;
  ok: boolean;
  secret: boolean;
}

export type TasmotaErrorCode = 'invalid-setting' | 'no-console' | 'mismatch' | 'rejected' | 'timeout' | 'disconnected' | 'cancelled';

export interface TasmotaOutcome {
  ok: boolean;
  code?: TasmotaErrorCode;
  message: string;
  checks: SettingCheck[];
  /** what the board printed after the settings: Wi-Fi and MQTT as the firmware saw them */
  wifi: 'connected' | 'failed' | 'unknown';
  mqtt: 'connected' | 'failed' | 'unknown';
  mqttDetail?: string;
  /** console transcript with secrets masked, bounded to TRANSCRIPT_LINES */
  transcript: string[];
}

export const TRANSCRIPT_LINES = 400;
export const MASK = '••••';

const RESULT_RE = /(?:RSL|MQT): (?:\S+?) = (\{.*\})\s*$/;

interface Item {
  command: string;
  key: string;
  value: string | number;
  secret: boolean;
}

export function validateTasmotaSettings(s: TasmotaSettings): string | null {
  if (!s.ssid || Buffer.byteLength(s.ssid) > 32) return 'the Wi-Fi SSID must be 1 to 32 bytes';
  // Tasmota does not store passwords of 4 characters or fewer (it answers "****")
  if (s.password.length <= 4) return 'the Wi-Fi password must be longer than 4 characters (Tasmota ignores shorter ones; WPA2 needs 8)';
  if (s.password.length > 64) return 'the Wi-Fi password is longer than 64 characters';
  if (!s.mqttHost || /\s/.test(s.mqttHost)) return 'the MQTT host must be a host name or address without spaces';
  if (!Number.isInteger(s.mqttPort) || s.mqttPort < 1 || s.mqttPort > 65535) return 'the MQTT port must be 1 to 65535';
  if (!s.topic || /[\s#+/]/.test(s.topic)) return 'the topic must not be empty or contain spaces, "/", "#" or "+"';
  for (const [name, v] of Object.entries(s)) {
    // Backlog splits on ';' — a value containing one would be cut in two commands
    if (typeof v === 'string' && v.includes(';')) return `${name} contains ";", which Tasmota's Backlog treats as a separator; set it in Tasmota's web UI instead`;
    if (typeof v === 'string' && /[\r\n]/.test(v)) return `${name} contains a line break`;
  }
  return null;
}

function itemsFor(s: TasmotaSettings): Item[] {
  const items: Item[] = [
    { command: 'SSID1', key: 'SSId1', value: s.ssid, secret: false },
    { command: 'Password1', key: 'Password1', value: s.password, secret: true },
    { command: 'MqttHost', key: 'MqttHost', value: s.mqttHost, secret: false },
    { command: 'MqttPort', key: 'MqttPort', value: s.mqttPort, secret: false },
  ];
  if (s.mqttUser !== undefined && s.mqttUser !== '') items.push({ command: 'MqttUser', key: 'MqttUser', value: s.mqttUser, secret: false });
  if (s.mqttPassword !== undefined && s.mqttPassword !== '') items.push({ command: 'MqttPassword', key: 'MqttPassword', value: s.mqttPassword, secret: true });
  items.push({ command: 'Topic', key: 'Topic', value: s.topic, secret: false });
  if (s.fullTopic) items.push({ command: 'FullTopic', key: 'FullTopic', value: s.fullTopic.endsWith('/') ? s.fullTopic : `${s.fullTopic}/`, secret: false });
  return items;
}

export function maskSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join(MASK);
  return out;
}

export interface TasmotaOptions {
  /** how long to keep asking for the console (Tasmota needs a moment after boot) */
  consoleTimeoutMs?: number;
  /** how long to wait for all Backlog replies */
  replyTimeoutMs?: number;
  /** after the settings: follow the console this long for WIF:/MQT: lines (0 = do not) */
  followMs?: number;
  signal?: AbortSignal;
  onLine?: (maskedLine: string) => void;
}

export async function configureTasmota(link: ByteLink, settings: TasmotaSettings, opts: TasmotaOptions = {}): Promise<TasmotaOutcome> {
  const secrets = [settings.password, settings.mqttPassword ?? ''].filter((s) => s.length > 0);
  const transcript: string[] = [];
  const outcome = (o: Omit<TasmotaOutcome, 'transcript' | 'wifi' | 'mqtt'> & Partial<Pick<TasmotaOutcome, 'wifi' | 'mqtt' | 'mqttDetail'>>): TasmotaOutcome => ({
    wifi: 'unknown',
    mqtt: 'unknown',
    ...o,
    transcript,
  });
  const invalid = validateTasmotaSettings(settings);
  if (invalid) return outcome({ ok: false, code: 'invalid-setting', message: invalid, checks: [] });

  const lines: string[] = [];
  let waiter: (() => void) | null = null;
  const record = (dir: '>' | '<', text: string): void => {
    const masked = `${dir} ${maskSecrets(text, secrets)}`;
    transcript.push(masked);
    if (transcript.length > TRANSCRIPT_LINES) transcript.shift();
    opts.onLine?.(masked);
  };
  const splitter = new LineSplitter((text) => {
    record('<', text);
    lines.push(text);
    waiter?.();
  });
  let closed = false;
  const offData = link.onData((c) => splitter.push(c));
  const offClose = link.onClose(() => {
    closed = true;
    waiter?.();
  });
  const send = async (line: string): Promise<void> => {
    record('>', line);
    await link.write(Buffer.from(`${line}\n`, 'utf8'));
  };
  /** wait until `pred` holds over received lines; false on timeout/close/abort */
  const waitFor = (pred: () => boolean, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (pred()) return finish(true);
        if (closed || opts.signal?.aborted) finish(false);
      };
      const finish = (v: boolean): void => {
        clearTimeout(timer);
        waiter = null;
        opts.signal?.removeEventListener('abort', check);
        resolve(v);
      };
      const timer = setTimeout(() => finish(pred()), ms);
      waiter = check;
      opts.signal?.addEventListener('abort', check, { once: true });
      check();
    });
  const failure = (): { code: TasmotaErrorCode; message: string } | null => {
    if (closed) return { code: 'disconnected', message: 'the serial port closed (board unplugged?)' };
    if (opts.signal?.aborted) return { code: 'cancelled', message: 'cancelled' };
    return null;
  };

  try {
    // 1. find the console: `Topic` without argument only reads, and every Tasmota answers it
    const consoleDeadline = Date.now() + (opts.consoleTimeoutMs ?? 15_000);
    let found = false;
    while (!found && Date.now() < consoleDeadline) {
      const from = lines.length;
      await send('Topic');
      found = await waitFor(() => lines.slice(from).some((l) => resultOf(l)?.key === 'topic'), 1000);
      const f = failure();
      if (f) return outcome({ ok: false, ...f, checks: [] });
    }
    if (!found) {
      return outcome({
        ok: false,
        code: 'no-console',
        message: 'No Tasmota console answered at 115200 baud. Is Tasmota running (press RESET if the board is still in the bootloader) and is this the right port?',
        checks: [],
      });
    }

    // 2. all settings in one Backlog; one reply per command
    const items = itemsFor(settings);
    const from = lines.length;
    await send(`Backlog ${items.map((i) => `${i.command} ${i.value}`).join(';')}`);
    const results = (): Array<{ key: string; value: unknown }> => lines.slice(from).map(resultOf).filter((r): r is { key: string; value: unknown } => r !== null);
    const complete = (): boolean => items.every((i) => results().some((r) => r.key === i.key.toLowerCase())) || results().some((r) => r.key === 'command');
    const allIn = await waitFor(complete, opts.replyTimeoutMs ?? 3000 + items.length * 400);
    const f = failure();
    if (f) return outcome({ ok: false, ...f, checks: [] });
    const got = results();
    const rejected = got.find((r) => r.key === 'command');
    const checks: SettingCheck[] = items.map((i) => {
      const r = got.find((x) => x.key === i.key.toLowerCase());
      const value = r === undefined ? null : typeof r.value === 'string' || typeof r.value === 'number' ? r.value : JSON.stringify(r.value);
      return { command: i.command, key: i.key, expected: i.secret ? MASK : i.value, got: value === null ? null : i.secret ? (value === i.value ? MASK : String(value) === '****' ? '****' : 'different') : value, ok: value === i.value, secret: i.secret };
    });
    if (rejected) {
      return outcome({ ok: false, code: 'rejected', message: `Tasmota answered ${JSON.stringify({ Command: rejected.value })}: this build does not accept one of the settings`, checks });
    }
    if (!allIn) {
      const missing = checks.filter((c) => c.got === null).map((c) => c.command);
      return outcome({ ok: false, code: 'timeout', message: `no reply for ${missing.join(', ')}`, checks });
    }
    const wrong = checks.filter((c) => !c.ok);
    if (wrong.length > 0) {
      return outcome({ ok: false, code: 'mismatch', message: `Tasmota kept different values for ${wrong.map((c) => c.command).join(', ')}`, checks });
    }

    // 3. Tasmota restarts and joins Wi-Fi and the broker; report what it says about that
    let wifi: TasmotaOutcome['wifi'] = 'unknown';
    let mqtt: TasmotaOutcome['mqtt'] = 'unknown';
    let mqttDetail: string | undefined;
    if ((opts.followMs ?? 0) > 0) {
      const after = lines.length;
      await waitFor(() => {
        for (const l of lines.slice(after)) {
          if (/WIF: Connected/.test(l)) wifi = 'connected';
          else if (/WIF: Connect failed/.test(l)) wifi = 'failed';
          if (/MQT: Connected/.test(l)) mqtt = 'connected';
          else if (/MQT: Connect failed/.test(l)) {
            mqtt = 'failed';
            mqttDetail = l.slice(l.indexOf('MQT:'));
          }
        }
        return mqtt !== 'unknown' || wifi === 'failed';
      }, opts.followMs ?? 0);
    }
    return outcome({ ok: true, message: 'all settings confirmed by Tasmota', checks, wifi, mqtt, ...(mqttDetail ? { mqttDetail } : {}) });
  } finally {
    splitter.flush();
    splitter.dispose();
    offData();
    offClose();
  }
}

/** `… RSL: RESULT = {"MqttPort":1883}` → { key: 'mqttport', value: 1883 } (first key, lower case). */
export function resultOf(line: string): { key: string; value: unknown } | null {
  const m = RESULT_RE.exec(line);
  if (!m) return null;
  try {
    const json = JSON.parse(m[1]!) as unknown;
    if (typeof json !== 'object' || json === null) return null;
    const entries = Object.entries(json as Record<string, unknown>);
    const first = entries[0];
    if (!first) return null;
    return { key: first[0].toLowerCase(), value: first[1] };
  } catch {
    return null;
  }
}
