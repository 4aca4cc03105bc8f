/**
 * One simulated ESP8266: a real MQTT.js client over a DeviceLink, publishing what its firmware
 * profile says, and dying the ways real devices die. Used by `fleetwatch simulate` and by the
 * presence tests, which kill devices and watch what the broker and the fleet view make of it.
 */
import { EventEmitter } from 'node:events';
import { MqttClient, type IClientOptions } from 'mqtt';
import { DeviceLink } from './link.js';
import type { DeviceState, FirmwareProfile, SimMessage } from './firmware/profile.js';

export type SimPhase = 'idle' | 'connecting' | 'online' | 'dead' | 'sleeping' | 'stopped';

export interface SimDeviceOptions {
  host: string;
  port: number;
  profile: FirmwareProfile;
  /** telemetry period; 0 = only when telemetryNow() is called */
  telemetryMs: number;
  /** delay before MQTT.js reconnects after a lost connection (real firmwares retry every few s) */
  reconnectMs?: number;
  /** deterministic randomness for readings */
  random?: () => number;
  /** wall clock for payload timestamps */
  now?: () => number;
}

let ipCounter = 10;

export class SimDevice extends EventEmitter {
  readonly profile: FirmwareProfile;
  phase: SimPhase = 'idle';
  private client: MqttClient | null = null;
  private link: DeviceLink | null = null;
  private readonly links = new Set<DeviceLink>();
  private telemetryTimer: NodeJS.Timeout | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  private bootAt = 0;
  private readonly state: DeviceState;
  private readonly random: () => number;
  private readonly now: () => number;
  /** messages published (for the simulator's status line) */
  published = 0;
  /** CONNACKs received */
  connects = 0;

  constructor(private readonly options: SimDeviceOptions) {
    super();
    this.profile = options.profile;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    ipCounter = ipCounter >= 250 * 250 ? 10 : ipCounter + 1;
    this.state = {
      uptimeSec: 0,
      mqttCount: 0,
      bootCount: 0,
      rssiDbm: -55 - Math.round(this.random() * 30),
      freeHeapBytes: 24_000 + Math.round(this.random() * 8_000),
      ip: `10.42.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 2}`,
      temperature: 18 + Math.round(this.random() * 80) / 10,
      now: 0,
    };
  }

  get clientId(): string {
    return this.profile.clientId;
  }

  /** Boot and connect; resolves on the first CONNACK. */
  start(): Promise<void> {
    if (this.client) throw new Error(`${this.clientId} is already running`);
    this.phase = 'connecting';
    this.bootAt = this.now();
    this.state.bootCount++;
    this.state.mqttCount = 0;
    const p = this.profile;
    const options: IClientOptions = {
      clientId: p.clientId,
      keepalive: p.keepalive,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: this.options.reconnectMs ?? 2_000,
      connectTimeout: 10_000,
      will: { topic: p.will.topic, payload: Buffer.from(p.will.payload), qos: p.will.qos, retain: p.will.retain },
    };
    const client = new MqttClient(() => {
      const link = new DeviceLink(this.options.host, this.options.port);
      this.link = link;
      this.links.add(link);
      link.socket.once('close', () => this.links.delete(link));
      return link;
    }, options);
    this.client = client;
    client.on('connect', () => this.connected(client));
    client.on('close', () => {
      this.stopTelemetry();
      if (this.phase === 'online') this.phase = 'connecting';
      this.emit('close');
    });
    // Connection errors are normal life for a device (broker down, refused): it keeps retrying.
    client.on('error', () => undefined);
    return new Promise((resolve) => client.once('connect', () => resolve()));
  }

  private connected(client: MqttClient): void {
    if (client !== this.client) return;
    this.phase = 'online';
    this.connects++;
    this.state.mqttCount++;
    for (const m of this.profile.birth(this.snapshot())) this.send(m);
    for (const s of this.profile.subscriptions) client.subscribe(s, { qos: 0 });
    this.startTelemetry();
    this.emit('online');
  }

  private snapshot(): DeviceState {
    const now = this.now();
    this.state.now = now;
    this.state.uptimeSec = Math.floor((now - this.bootAt) / 1000);
    // Readings drift a little each period, like real sensors and radios.
    this.state.rssiDbm = Math.max(-95, Math.min(-35, this.state.rssiDbm + Math.round((this.random() - 0.5) * 4)));
    this.state.freeHeapBytes = Math.max(8_000, this.state.freeHeapBytes + Math.round((this.random() - 0.5) * 600));
    this.state.temperature = Math.round((this.state.temperature + (this.random() - 0.5) * 0.4) * 10) / 10;
    return { ...this.state };
  }

  private send(m: SimMessage): Promise<void> {
    return this.client ? this.sendVia(this.client, m) : Promise.resolve();
  }

  private startTelemetry(): void {
    this.stopTelemetry();
    if (this.options.telemetryMs <= 0) return;
    this.telemetryNow();
    this.telemetryTimer = setInterval(() => this.telemetryNow(), this.options.telemetryMs);
  }

  private stopTelemetry(): void {
    if (this.telemetryTimer) clearInterval(this.telemetryTimer);
    this.telemetryTimer = null;
  }

  /** Publish one telemetry period now; resolves when QoS 1 parts are acknowledged. */
  async telemetryNow(): Promise<void> {
    if (this.phase !== 'online') return;
    await Promise.all(this.profile.telemetry(this.snapshot()).map((m) => this.send(m)));
  }

  /** Stop publishing telemetry but stay connected (a hung sensor task). */
  muteTelemetry(): void {
    this.stopTelemetry();
  }

  /**
   * Sudden death. `reset`: the TCP connection is reset (the broker notices at once);
   * `silent`: the device vanishes without a packet (only the keepalive can tell).
   * The device stays dead until revive().
   */
  die(mode: 'reset' | 'silent'): void {
    const client = this.client;
    const link = this.link;
    if (!client) return;
    this.phase = 'dead';
    this.stopTelemetry();
    this.client = null;
    this.link = null;
    client.options.reconnectPeriod = 0;
    if (mode === 'silent') link?.partition();
    else link?.reset();
    client.end(true);
  }

  /** Reboot after a death or a sleep: a new boot, a new connection. */
  revive(): Promise<void> {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    return this.start();
  }

  /**
   * Deep sleep: announce it the firmware's way, leave the broker, and wake after `sleepMs`
   * (never on its own when sleepMs is 0: call revive()).
   */
  async sleep(sleepMs: number): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stopTelemetry();
    await Promise.all(this.profile.sleep(this.snapshot(), Math.round(sleepMs / 1000)).map((m) => this.send(m)));
    this.phase = 'sleeping';
    this.client = null;
    this.link = null;
    client.options.reconnectPeriod = 0;
    if (this.profile.sleepExit === 'disconnect') await client.endAsync(false);
    else client.end(true);
    if (sleepMs > 0) {
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = null;
        void this.start().catch(() => undefined);
      }, sleepMs);
    }
  }

  /** A clean shutdown: the firmware's goodbye, then DISCONNECT. */
  async stop(): Promise<void> {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.stopTelemetry();
    const client = this.client;
    this.client = null;
    this.link = null;
    this.phase = 'stopped';
    if (client) {
      client.options.reconnectPeriod = 0;
      if (client.connected) {
        await Promise.all(this.profile.shutdown(this.snapshot()).map((m) => this.sendVia(client, m)));
        await client.endAsync(false);
      } else {
        await client.endAsync(true);
      }
    }
    this.abandonLinks();
  }

  private sendVia(client: MqttClient, m: SimMessage): Promise<void> {
    this.published++;
    return client.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain }).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Close every socket this device ever opened (partitioned ones included). */
  abandonLinks(): void {
    for (const link of this.links) link.abandon();
    this.links.clear();
  }

  /** Wait until the device is online (after start/revive or a reconnect). */
  waitOnline(): Promise<void> {
    if (this.phase === 'online') return Promise.resolve();
    return new Promise((resolve) => this.once('online', () => resolve()));
  }
}
