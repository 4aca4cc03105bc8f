/**
 * A deliberately small MQTT 3.1.1 client for the simulated firmware. Written by hand (not mqtt.js) so the
 * simulator controls every byte: it can go silent while keeping the socket open, which is what a hung ESP8266
 * does and what makes the broker's keepalive timeout fire [MQTT-3.1.2-24].
 */
import { connect, type Socket } from 'node:net';

export interface MiniConnectOptions {
  host: string;
  port: number;
  clientId: string;
  username?: string;
  password?: string;
  keepaliveSec: number;
  will?: { topic: string; payload: string; qos: 0 | 1; retain: boolean };
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) d |= 0x80;
    bytes.push(d);
  } while (n > 0);
  return Buffer.from(bytes);
}

function packet(first: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([first]), remainingLength(body.length), body]);
}

export function encodeConnect(o: MiniConnectOptions): Buffer {
  let flags = 0x02; // clean session
  if (o.will) flags |= 0x04 | (o.will.qos << 3) | (o.will.retain ? 0x20 : 0);
  if (o.username !== undefined) flags |= 0x80;
  if (o.password !== undefined) flags |= 0x40;
  const ka = Buffer.alloc(2);
  ka.writeUInt16BE(o.keepaliveSec, 0);
  const parts = [str('MQTT'), Buffer.from([0x04, flags]), ka, str(o.clientId)];
  if (o.will) parts.push(str(o.will.topic), str(o.will.payload));
  if (o.username !== undefined) parts.push(str(o.username));
  if (o.password !== undefined) parts.push(str(o.password));
  return packet(0x10, Buffer.concat(parts));
}

export type MiniResult = { ok: true } | { ok: false; returnCode?: number; message: string };

export class MiniMqtt {
  private socket: Socket | null = null;
  private ping: NodeJS.Timeout | null = null;
  private packetId = 1;
  private stalled = false;
  onClose: (() => void) | null = null;

  connect(o: MiniConnectOptions, timeoutMs = 5000): Promise<MiniResult> {
    return new Promise((resolve) => {
      const socket = connect({ host: o.host, port: o.port });
      this.socket = socket;
      let settled = false;
      const settle = (r: MiniResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        settle({ ok: false, message: 'no CONNACK' });
        socket.destroy();
      }, timeoutMs);
      let buf = Buffer.alloc(0);
      socket.on('connect', () => socket.write(encodeConnect(o)));
      socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        // only CONNACK (0x20 0x02 flags rc), PUBACK and PINGRESP arrive; all are 2-byte bodies
        while (buf.length >= 2 && buf.length >= 2 + buf[1]!) {
          const type = buf[0]! >> 4;
          const body = buf.subarray(2, 2 + buf[1]!);
          buf = buf.subarray(2 + buf[1]!);
          if (type === 2) {
            const rc = body[1] ?? 255;
            if (rc === 0) {
              this.startPing(o.keepaliveSec);
              settle({ ok: true });
            } else {
              settle({ ok: false, returnCode: rc, message: `CONNACK ${rc}` });
              socket.destroy();
            }
          }
        }
      });
      socket.on('error', (err) => settle({ ok: false, message: err.message }));
      socket.on('close', () => {
        this.stopPing();
        settle({ ok: false, message: 'connection closed' });
        this.onClose?.();
      });
    });
  }

  publish(topic: string, payload: string, qos: 0 | 1 = 0, retain = false): void {
    if (!this.socket || this.stalled) return;
    const parts = [str(topic)];
    if (qos === 1) {
      const id = Buffer.alloc(2);
      id.writeUInt16BE(this.packetId++ & 0xffff || 1, 0);
      parts.push(id);
    }
    parts.push(Buffer.from(payload, 'utf8'));
    this.socket.write(packet(0x30 | (qos << 1) | (retain ? 1 : 0), Buffer.concat(parts)));
  }

  /** Keep the TCP connection open but send nothing more: the broker must time the client out. */
  stall(): void {
    this.stalled = true;
    this.stopPing();
  }

  close(): void {
    this.stopPing();
    this.socket?.destroy();
    this.socket = null;
  }

  private startPing(keepaliveSec: number): void {
    if (keepaliveSec <= 0) return;
    this.ping = setInterval(() => {
      if (!this.stalled) this.socket?.write(Buffer.from([0xc0, 0x00]));
    }, (keepaliveSec * 1000) / 2);
  }

  private stopPing(): void {
    if (this.ping) clearInterval(this.ping);
    this.ping = null;
  }
}
