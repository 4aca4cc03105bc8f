/**
 * A simulated fleet: N devices of one flavor or mixed, plus the troublemakers a demo (or a test)
 * needs — deep sleepers, sudden deaths, flappers and pairs of devices sharing one client id.
 * All behaviour is scheduled with timers from a seeded random source; stop() undoes everything.
 */
import { SimDevice } from './device.js';
import type { FirmwareProfile, Flavor } from './firmware/profile.js';
import { tasmotaProfile } from './firmware/tasmota.js';
import { esphomeProfile } from './firmware/esphome.js';
import { homieProfile, type HomieVersion } from './firmware/homie.js';
import { seededRandom } from './random.js';

export type FleetFlavor = Flavor | 'mixed';

/** Devices a single simulator runs at most (one TCP connection each). */
export const MAX_SIM_DEVICES = 5_000;

export interface FleetOptions {
  host: string;
  port: number;
  devices: number;
  flavor: FleetFlavor;
  /** prepended to client ids and topics so several simulators can share a broker */
  prefix?: string;
  telemetryMs?: number;
  /** override every firmware's default keepalive (s) */
  keepalive?: number;
  seed?: number;
  /** spread the initial connects over this many ms */
  rampMs?: number;
  sleepers?: number;
  sleepMs?: number;
  awakeMs?: number;
  deaths?: number;
  /** how long a dead device stays dead; 0 = forever */
  downMs?: number;
  flappers?: number;
  duplicates?: number;
}

export function profileFor(flavor: Flavor, index: number, prefix: string, keepalive: number | undefined, telemetryMs: number, homieVersion?: HomieVersion): FirmwareProfile {
  switch (flavor) {
    case 'tasmota':
      return tasmotaProfile(index, prefix, keepalive);
    case 'esphome':
      return esphomeProfile(index, prefix, keepalive);
    case 'homie':
      return homieProfile(index, prefix, homieVersion ?? 4, keepalive, Math.max(1, Math.round(telemetryMs / 1000)));
  }
}

const MIXED: Flavor[] = ['tasmota', 'esphome', 'homie'];
const HOMIE_VERSIONS: HomieVersion[] = [3, 4, 5];

export interface FleetStats {
  devices: number;
  online: number;
  connects: number;
  published: number;
}

export class SimFleet {
  readonly devices: SimDevice[] = [];
  /** the second device of each duplicate pair */
  readonly impostors: SimDevice[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private stopped = false;

  constructor(private readonly options: FleetOptions) {
    if (options.devices < 1 || options.devices > MAX_SIM_DEVICES) throw new RangeError(`devices must be 1–${MAX_SIM_DEVICES}`);
    this.random = seededRandom(options.seed ?? 1);
    const prefix = options.prefix ?? '';
    const telemetryMs = options.telemetryMs ?? 10_000;
    for (let i = 0; i < options.devices; i++) {
      const flavor = options.flavor === 'mixed' ? (MIXED[i % 3] as Flavor) : options.flavor;
      const homieVersion = HOMIE_VERSIONS[Math.floor(i / 3) % 3];
      const profile = profileFor(flavor, i, prefix, options.keepalive, telemetryMs, homieVersion);
      this.devices.push(new SimDevice({ host: options.host, port: options.port, profile, telemetryMs, random: this.random }));
    }
    const pairs = Math.min(options.duplicates ?? 0, options.devices);
    for (let i = 0; i < pairs; i++) {
      const original = this.devices[options.devices - 1 - i] as SimDevice;
      // Same firmware image flashed twice: same client id, same topics; quick retries make them fight.
      this.impostors.push(new SimDevice({ host: options.host, port: options.port, profile: original.profile, telemetryMs, reconnectMs: 1_000, random: this.random }));
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Connect everyone (spread over rampMs), then start the scheduled misbehaviour. */
  async start(): Promise<void> {
    const ramp = this.options.rampMs ?? 0;
    const n = this.devices.length;
    await Promise.all(
      this.devices.map(
        (d, i) =>
          new Promise<void>((resolve) => {
            const go = () => void d.start().then(resolve, resolve);
            if (ramp > 0) this.later(Math.floor((ramp * i) / n), go);
            else go();
          }),
      ),
    );
    for (const imp of this.impostors) void imp.start().catch(() => undefined);
    this.schedule();
  }

  private pick(count: number, taken: Set<number>): SimDevice[] {
    const out: SimDevice[] = [];
    const last = this.devices.length - this.impostors.length;
    for (let i = 0; i < last && out.length < count; i++) {
      if (taken.has(i)) continue;
      taken.add(i);
      out.push(this.devices[i] as SimDevice);
    }
    return out;
  }

  private schedule(): void {
    const o = this.options;
    const taken = new Set<number>();
    const sleepMs = o.sleepMs ?? 30_000;
    const awakeMs = o.awakeMs ?? 5_000;
    for (const d of this.pick(o.sleepers ?? 0, taken)) {
      const cycle = () => {
        this.later(awakeMs, () => {
          void d.sleep(sleepMs).then(() => this.later(sleepMs + 500, cycle));
        });
      };
      cycle();
    }
    const downMs = o.downMs ?? 60_000;
    let k = 0;
    for (const d of this.pick(o.deaths ?? 0, taken)) {
      const mode = k++ % 2 === 0 ? 'reset' : 'silent';
      this.later(10_000 + Math.floor(this.random() * 50_000), () => {
        d.die(mode);
        if (downMs > 0) this.later(downMs, () => void d.revive().catch(() => undefined));
      });
    }
    for (const d of this.pick(o.flappers ?? 0, taken)) {
      const flap = (left: number) => {
        if (left === 0) {
          this.later(120_000, () => flap(8));
          return;
        }
        this.later(3_000, () => {
          d.die('reset');
          this.later(1_500, () => void d.revive().then(() => flap(left - 1), () => undefined));
        });
      };
      flap(8);
    }
  }

  stats(): FleetStats {
    const all = [...this.devices, ...this.impostors];
    return {
      devices: all.length,
      online: all.filter((d) => d.phase === 'online').length,
      connects: all.reduce((n, d) => n + d.connects, 0),
      published: all.reduce((n, d) => n + d.published, 0),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.devices, ...this.impostors].map((d) => d.stop().catch(() => d.abandonLinks())));
  }
}
