/**
 * Improv Wi-Fi over serial (improv-wifi serial.md; spoken by ESPHome `improv_serial`, WLED, Tasmota USE_IMPROV).
 * Packet: "IMPROV", version 1, type, length, data, checksum = sum of all preceding bytes & 0xFF. Log text shares
 * the UART, so the reader hunts for the header in the byte stream. Improv carries Wi-Fi only: the broker of an
 * ESPHome node is compiled in.
 */
import type { ByteLink } from './byte-link.js';

const HEADER = Buffer.from('IMPROV', 'latin1');
export const ImprovType = { CURRENT_STATE: 0x01, ERROR_STATE: 0x02, RPC: 0x03, RPC_RESULT: 0x04 } as const;
export const ImprovRpc = { SEND_WIFI: 0x01, REQUEST_STATE: 0x02, DEVICE_INFO: 0x03 } as const;

export type ImprovState = 'authorization-required' | 'authorized' | 'provisioning' | 'provisioned' | 'unknown';
const stateNames: Record<number, ImprovState> = { 0x01: 'authorization-required', 0x02: 'authorized', 0x03: 'provisioning', 0x04: 'provisioned' };

/** [serial.md "Error state"] plus Tasmota's 0x04 (xdrv_62_improv.ino). */
export const improvErrors: Record<number, string> = {
  0x00: 'no error',
  0x01: 'the device says the request packet was invalid',
  0x02: 'the device does not know this command',
  0x03: 'the device could not connect to the Wi-Fi network (wrong SSID or password, or out of range)',
  0x04: 'the device requires authorization first (press its button)',
  0x05: 'bad hostname',
  0xff: 'unknown error on the device',
};

function errorText(code: number): string {
  return improvErrors[code] ?? `error 0x${code.toString(16)}`;
}

export function encodeImprov(type: number, data: Uint8Array): Buffer {
  const head = Buffer.concat([HEADER, Buffer.from([0x01, type, data.length]), Buffer.from(data)]);
  let sum = 0;
  for (const b of head) sum = (sum + b) & 0xff;
  return Buffer.concat([head, Buffer.from([sum])]);
}

export function encodeRpc(command: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  return encodeImprov(ImprovType.RPC, Buffer.concat([Buffer.from([command, payload.length]), Buffer.from(payload)]));
}

export function wifiPayload(ssid: string, password: string): Buffer {
  const s = Buffer.from(ssid, 'utf8');
  const p = Buffer.from(password, 'utf8');
  return Buffer.concat([Buffer.from([s.length]), s, Buffer.from([p.length]), p]);
}

export interface ImprovPacket {
  type: number;
  data: Buffer;
}

/** Finds Improv packets among log text; bad checksums are counted and skipped; the buffer is bounded. */
export class ImprovReader {
  private buf = Buffer.alloc(0);
  badChecksums = 0;
  constructor(private readonly onPacket: (p: ImprovPacket) => void) {}

  push(chunk: Uint8Array): void {
    this.buf = Buffer.concat([this.buf, Buffer.from(chunk)]);
    for (;;) {
      const at = this.buf.indexOf(HEADER);
      if (at < 0) {
        this.buf = this.buf.subarray(Math.max(0, this.buf.length - (HEADER.length - 1)));
        return;
      }
      if (this.buf.length < at + 9) {
        this.buf = this.buf.subarray(at);
        return;
      }
      const len = this.buf[at + 8]!;
      if (this.buf.length < at + 10 + len) {
        this.buf = this.buf.subarray(at);
        return;
      }
      const packet = this.buf.subarray(at, at + 10 + len);
      this.buf = this.buf.subarray(at + 10 + len);
      let sum = 0;
      for (let i = 0; i < packet.length - 1; i++) sum = (sum + packet[i]!) & 0xff;
      if (sum !== packet[packet.length - 1] || packet[6] !== 0x01) {
        this.badChecksums++;
        continue;
      }
      this.onPacket({ type: packet[7]!, data: Buffer.from(packet.subarray(9, 9 + len)) });
    }
  }
}

/** RPC result data: command, length, then (strlen, string)*. */
export function parseRpcResult(data: Buffer): { command: number; values: string[] } | null {
  if (data.length < 2) return null;
  const command = data[0]!;
  const end = Math.min(data.length, 2 + data[1]!);
  const values: string[] = [];
  let i = 2;
  while (i < end) {
    const n = data[i]!;
    values.push(data.subarray(i + 1, i + 1 + n).toString('utf8'));
    i += 1 + n;
  }
  return { command, values };
}

export interface DeviceInfo {
  firmware: string;
  version: string;
  chip: string;
  name: string;
}

export type ImprovOutcome<T> = { ok: true; value: T } | { ok: false; code: 'no-improv' | 'device-error' | 'timeout' | 'disconnected' | 'cancelled'; message: string };

export class ImprovClient {
  private readonly reader: ImprovReader;
  private readonly packets: ImprovPacket[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly link: ByteLink,
    private readonly signal?: AbortSignal,
  ) {
    this.reader = new ImprovReader((p) => {
      if (this.packets.length < 64) this.packets.push(p);
      this.wake?.();
    });
    this.off.push(link.onData((c) => this.reader.push(c)));
    this.off.push(
      link.onClose(() => {
        this.closed = true;
        this.wake?.();
      }),
    );
  }

  dispose(): void {
    this.off.splice(0).forEach((f) => f());
  }

  private async send(command: number, payload?: Uint8Array): Promise<void> {
    // the JS SDK ends every packet with a newline so line-based firmware consoles stay in sync
    await this.link.write(Buffer.concat([encodeRpc(command, payload), Buffer.from('\n')]));
  }

  /** Take the first packet matching `pick` within `ms`. */
  private next<T>(pick: (p: ImprovPacket) => T | undefined, ms: number): Promise<T | 'timeout' | 'closed' | 'cancelled'> {
    return new Promise((resolve) => {
      const check = (): void => {
        for (let i = 0; i < this.packets.length; i++) {
          const v = pick(this.packets[i]!);
          if (v !== undefined) {
            this.packets.splice(0, i + 1);
            return done(v);
          }
        }
        if (this.closed) done('closed');
        else if (this.signal?.aborted) done('cancelled');
      };
      const done = (v: T | 'timeout' | 'closed' | 'cancelled'): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve(v);
      };
      const timer = setTimeout(() => done('timeout'), ms);
      this.wake = check;
      check();
    });
  }

  private fail<T>(r: 'timeout' | 'closed' | 'cancelled', what: string): ImprovOutcome<T> {
    if (r === 'closed') return { ok: false, code: 'disconnected', message: 'the serial port closed' };
    if (r === 'cancelled') return { ok: false, code: 'cancelled', message: 'cancelled' };
    return { ok: false, code: 'timeout', message: `no Improv answer to ${what}` };
  }

  /** [sdk-serial-js initialize] resend "request state" every second until the device answers. */
  async requestState(timeoutMs = 5000): Promise<ImprovOutcome<ImprovState>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.send(ImprovRpc.REQUEST_STATE);
      const r = await this.next((p) => (p.type === ImprovType.CURRENT_STATE ? (stateNames[p.data[0] ?? 0] ?? 'unknown') : undefined), Math.min(1000, Math.max(1, deadline - Date.now())));
      if (r === 'closed' || r === 'cancelled') return this.fail(r, 'request state');
      if (r !== 'timeout') return { ok: true, value: r };
    }
    return { ok: false, code: 'no-improv', message: 'the device does not speak Improv on this port (ESPHome needs improv_serial and a logger with baud_rate > 0)' };
  }

  async deviceInfo(timeoutMs = 5000): Promise<ImprovOutcome<DeviceInfo>> {
    await this.send(ImprovRpc.DEVICE_INFO);
    type Got = { kind: 'error'; error: number } | { kind: 'info'; values: string[] };
    const r = await this.next<Got>((p) => {
      if (p.type === ImprovType.ERROR_STATE && p.data[0]) return { kind: 'error', error: p.data[0] };
      if (p.type !== ImprovType.RPC_RESULT) return undefined;
      const res = parseRpcResult(p.data);
      return res?.command === ImprovRpc.DEVICE_INFO ? { kind: 'info', values: res.values } : undefined;
    }, timeoutMs);
    if (r === 'timeout' || r === 'closed' || r === 'cancelled') return this.fail(r, 'device info');
    if (r.kind === 'error') return { ok: false, code: 'device-error', message: errorText(r.error) };
    const [firmware = '', version = '', chip = '', name = ''] = r.values;
    return { ok: true, value: { firmware, version, chip, name } };
  }

  /** Send Wi-Fi settings; resolves with the redirect URL once the device says "provisioned". */
  async provision(ssid: string, password: string, timeoutMs = 30_000): Promise<ImprovOutcome<{ url: string | null }>> {
    if (Buffer.byteLength(ssid) === 0 || Buffer.byteLength(ssid) > 32) return { ok: false, code: 'device-error', message: 'the SSID must be 1 to 32 bytes' };
    if (Buffer.byteLength(password) > 64) return { ok: false, code: 'device-error', message: 'the password is longer than 64 bytes' };
    await this.send(ImprovRpc.SEND_WIFI, wifiPayload(ssid, password));
    const deadline = Date.now() + timeoutMs;
    let provisioned = false;
    for (;;) {
      type Got = { kind: 'error'; error: number } | { kind: 'state'; state: ImprovState } | { kind: 'url'; url: string | null };
      const r = await this.next<Got>(
        (p) => {
          if (p.type === ImprovType.ERROR_STATE && p.data[0]) return { kind: 'error', error: p.data[0] };
          if (p.type === ImprovType.CURRENT_STATE) return { kind: 'state', state: stateNames[p.data[0] ?? 0] ?? 'unknown' };
          if (p.type === ImprovType.RPC_RESULT) {
            const res = parseRpcResult(p.data);
            if (res?.command === ImprovRpc.SEND_WIFI) return { kind: 'url', url: res.values[0] ?? null };
          }
          return undefined;
        },
        Math.max(1, deadline - Date.now()),
      );
      if (r === 'timeout' || r === 'closed' || r === 'cancelled') return this.fail(r, 'the Wi-Fi settings');
      if (r.kind === 'error') return { ok: false, code: 'device-error', message: errorText(r.error) };
      if (r.kind === 'url') return { ok: true, value: { url: r.url } };
      if (r.state === 'provisioned') provisioned = true;
      // some firmwares send the provisioned state without a result packet: give the result a moment
      if (provisioned) {
        const res = await this.next((p) => (p.type === ImprovType.RPC_RESULT ? (parseRpcResult(p.data)?.values[0] ?? null) : undefined), 1000);
        return { ok: true, value: { url: typeof res === 'string' ? res : null } };
      }
    }
  }
}
