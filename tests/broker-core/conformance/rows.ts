/**
 * Conformance rows in the manner of mosquitto's test/broker data: each row is named after the
 * clause it proves and is a list of steps — bytes a client sends, the exact bytes it must get
 * back, "the broker closes this connection", "nothing else arrived" — run against a fresh broker
 * on 127.0.0.1 port 0 with raw sockets.
 *
 * Steps name their client (`c`); a client's socket opens on first use. `quiet` sends PINGREQ and
 * demands that PINGRESP is the very next thing received: since the broker writes to one socket in
 * order, that proves nothing else was sent to that client before it. To prove that a message from
 * client A did NOT reach client B, make A `quiet` first (the broker has routed it), then B.
 *
 * The broker's clock is the real one plus an offset that `advance` steps move forward, so that
 * keepalive rows need no real waiting (the broker's sweep still runs every 500 ms real time).
 */

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerOptions } from '../../../broker-core/index.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { connack, connect, type ConnectFields, PINGREQ, PINGRESP } from './bytes.js';
import { laggyPersistence } from './laggy-persistence.js';

export type Step =
  /** write these bytes (several buffers go out in one write) */
  | { c: string; send: Buffer | Buffer[] }
  /** the next bytes from the broker are exactly these */
  | { c: string; recv: Buffer | Buffer[] }
  /** shorthand: send CONNECT, expect CONNACK 0 with this session present flag (default false) */
  | { c: string; connect: ConnectFields; sessionPresent?: boolean }
  /** the broker closes the connection, having sent nothing more */
  | { c: string; closed: true }
  /** PINGREQ, and PINGRESP is the next thing received: nothing else was sent to this client */
  | { c: string; quiet: true }
  /** the client vanishes without DISCONNECT (socket destroyed) */
  | { c: string; drop: true }
  /** move the broker's clock forward */
  | { advance: number }
  /** wait until the condition holds (polled) */
  | { until: (b: TestBroker) => boolean; what: string };

export interface Row {
  /** starts with the clause(s) proved, e.g. '[MQTT-3.1.0-1] …' */
  name: string;
  broker?: BrokerOptions;
  steps: Step[];
}

/** Generous bound for one step, only so that a broken broker fails instead of hanging. */
const STEP_TIMEOUT_MS = 20_000;

class RowClient {
  private buffered = Buffer.alloc(0);
  private isClosed = false;
  private wake: (() => void) | undefined;
  private readonly opened: Promise<void>;
  readonly socket: net.Socket;

  constructor(readonly name: string, port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.on('error', () => undefined);
    this.opened = new Promise((resolve) => this.socket.once('connect', () => resolve()));
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    this.socket.once('close', () => {
      this.isClosed = true;
      this.wake?.();
    });
  }

  async send(bytes: Buffer): Promise<void> {
    await this.opened;
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Resolves when `ready()` holds, rejecting after STEP_TIMEOUT_MS. */
  private async waitFor(ready: () => boolean, what: () => string): Promise<void> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`${this.name}: timed out waiting for ${what()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  async recv(expected: Buffer): Promise<void> {
    await this.waitFor(
      () => this.buffered.length >= expected.length || this.isClosed,
      () => `${hexOf(expected)}; received ${hexOf(this.buffered)}`,
    );
    const got = this.buffered.subarray(0, expected.length);
    expect(hexOf(got), `${this.name} received`).toBe(hexOf(expected));
    this.buffered = this.buffered.subarray(expected.length);
  }

  async closed(): Promise<void> {
    await this.waitFor(() => this.isClosed, () => `the broker to close the connection; received ${hexOf(this.buffered)}`);
    expect(hexOf(this.buffered), `${this.name} received before the close`).toBe('');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function hexOf(b: Buffer): string {
  return b.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

const join = (b: Buffer | Buffer[]): Buffer => (Array.isArray(b) ? Buffer.concat(b) : b);

/** Runs one row against `broker`; `advance` moves the clock the broker was created with. */
async function run(row: Row, broker: TestBroker, advance: (ms: number) => void, clients: Map<string, RowClient>): Promise<void> {
  const client = (name: string): RowClient => {
    let c = clients.get(name);
    if (c === undefined) {
      c = new RowClient(name, broker.port);
      clients.set(name, c);
    }
    return c;
  };
  for (const step of row.steps) {
    if ('advance' in step) {
      advance(step.advance);
    } else if ('until' in step) {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      while (!step.until(broker)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${step.what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } else if ('send' in step) {
      await client(step.c).send(join(step.send));
    } else if ('recv' in step) {
      await client(step.c).recv(join(step.recv));
    } else if ('connect' in step) {
      const c = client(step.c);
      await c.send(connect(step.connect));
      await c.recv(connack(step.sessionPresent ?? false, 0));
    } else if ('closed' in step) {
      await client(step.c).closed();
    } else if ('quiet' in step) {
      const c = client(step.c);
      await c.send(PINGREQ);
      await c.recv(PINGRESP);
    } else {
      client(step.c).destroy();
    }
  }
}

/** Declares one `it` per row under `title`, each with a fresh broker and clock. */
export function conformanceRows(title: string, rows: Row[]): void {
  describe(title, () => {
    let broker: TestBroker | undefined;
    const clients = new Map<string, RowClient>();
    afterEach(async () => {
      for (const c of clients.values()) c.destroy();
      clients.clear();
      await broker?.close();
      broker = undefined;
    });
    for (const row of rows) {
      for (const disk of [false, true]) {
        it(disk ? `${row.name} (with a laggy disk)` : row.name, async () => {
          let offset = 0;
          const persistence = disk ? { persistence: laggyPersistence() } : {};
          broker = await startTestBroker({ now: () => Date.now() + offset, ...persistence, ...row.broker });
          await run(row, broker, (ms) => (offset += ms), clients);
        });
      }
    }
  });
}
