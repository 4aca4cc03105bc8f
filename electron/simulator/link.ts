/**
 * The simulated device's network link: a Duplex between MQTT.js and a real TCP socket, with the
 * two ways a device really dies:
 * - `reset()`: the socket is destroyed with a TCP RST (power cut while the stack still answers,
 *   a crash and reboot) — the broker sees the connection drop at once ("connection lost");
 * - `partition()`: every byte is silently dropped both ways while the socket stays open (Wi-Fi
 *   gone, a hung chip) — only the broker's keepalive check can notice ("keepalive timeout").
 *   What MQTT.js does on its side after that (its own ping timeout, end()) never reaches the
 *   socket, exactly as with a dead access point; the socket closes when the broker closes it.
 */
import { Duplex } from 'node:stream';
import { connect, type Socket } from 'node:net';

export class DeviceLink extends Duplex {
  readonly socket: Socket;
  private partitioned = false;

  constructor(host: string, port: number) {
    super();
    this.socket = connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      if (this.partitioned) return;
      if (!this.push(chunk)) this.socket.pause();
    });
    this.socket.on('end', () => {
      if (!this.partitioned) this.push(null);
    });
    this.socket.on('close', () => this.destroy());
    // Errors (ECONNRESET, ECONNREFUSED) end the link; MQTT.js sees a close and decides to reconnect.
    this.socket.on('error', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.partitioned || this.socket.destroyed) {
      callback();
      return;
    }
    this.socket.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.partitioned) this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.partitioned) this.socket.destroy();
    callback(error);
  }

  /** Drop the connection with a TCP RST. */
  reset(): void {
    if (this.socket.destroyed) return;
    if (this.socket.connecting) this.socket.destroy();
    else this.socket.resetAndDestroy();
  }

  /** Stop all traffic without closing anything. */
  partition(): void {
    this.partitioned = true;
    this.socket.pause();
    // Whatever arrives now is lost in the air; keep the socket drained so it can notice the close.
    this.socket.removeAllListeners('data');
    this.socket.on('data', () => undefined);
    this.socket.resume();
  }

  /** Clean up a partitioned socket (the simulator is shutting down). */
  abandon(): void {
    this.socket.destroy();
  }
}
