/**
 * An ESPHome node with `improv_serial` (ESP8266.md §10; improv-wifi serial.md): log lines and Improv packets
 * share the UART. Improv provisions Wi-Fi only; the broker is compiled in (config.esphome), so once Wi-Fi is up the
 * node connects there with client id = node name and will `<name>/status` = offline.
 */
import type { Firmware, FirmwareHost } from './firmware-host.js';
import { MiniMqtt } from './mini-mqtt.js';

const HEADER = Buffer.from('IMPROV', 'latin1');
const TYPE = { STATE: 0x01, ERROR: 0x02, RPC: 0x03, RESULT: 0x04 } as const;
const STATE = { READY: 0x02, PROVISIONING: 0x03, PROVISIONED: 0x04 } as const;
const ERROR = { INVALID_RPC: 0x01, UNKNOWN_RPC: 0x02, UNABLE_TO_CONNECT: 0x03 } as const;

export function improvPacket(type: number, data: Buffer): Buffer {
  const head = Buffer.concat([HEADER, Buffer.from([0x01, type, data.length]), data]);
  let sum = 0;
  for (const b of head) sum = (sum + b) & 0xff;
  return Buffer.concat([head, Buffer.from([sum])]);
}

function strings(values: string[]): Buffer {
  return Buffer.concat(values.map((v) => Buffer.concat([Buffer.from([Buffer.byteLength(v)]), Buffer.from(v, 'utf8')])));
}

export class EsphomeSim implements Firmware {
  private buf = Buffer.alloc(0);
  private state: number = STATE.READY;
  private mqtt: MiniMqtt | null = null;
  private stopped = false;

  constructor(private readonly host: FirmwareHost) {}

  private get name(): string {
    return this.host.config.esphome.name;
  }

  private log(level: 'I' | 'W' | 'D' | 'C', tag: string, text: string): void {
    this.host.print(`[${level}][${tag}]: ${text}\r\n`);
  }

  boot(): void {
    this.log('I', 'logger:034', 'Log initialized');
    this.log('I', 'app:029', 'Running through setup()...');
    const ssid = this.host.settings.wifi_ssid;
    if (typeof ssid === 'string' && ssid) {
      this.state = STATE.PROVISIONED;
      this.host.setTimer(() => this.connectWifi(ssid, String(this.host.settings.wifi_password ?? ''), false), 50);
    } else {
      this.log('W', 'wifi:137', 'No Wi-Fi credentials; waiting for Improv');
    }
  }

  stop(): void {
    this.stopped = true;
    this.mqtt?.close();
  }

  input(bytes: Buffer): void {
    this.buf = Buffer.concat([this.buf, bytes]);
    for (;;) {
      const at = this.buf.indexOf(HEADER);
      if (at < 0) {
        // keep a possible partial header; drop the rest (newlines the client sends after each packet)
        this.buf = this.buf.subarray(Math.max(0, this.buf.length - HEADER.length + 1));
        return;
      }
      if (this.buf.length < at + 9) {
        this.buf = this.buf.subarray(at);
        return;
      }
      const len = this.buf[at + 8]!;
      const total = 9 + len + 1;
      if (this.buf.length < at + total) {
        this.buf = this.buf.subarray(at);
        return;
      }
      const packet = this.buf.subarray(at, at + total);
      this.buf = this.buf.subarray(at + total);
      this.handle(packet);
    }
  }

  private send(type: number, data: Buffer): void {
    this.host.printBytes(improvPacket(type, data));
    this.host.event('improv-out', { type, data: data.toString('hex') });
  }

  private handle(packet: Buffer): void {
    let sum = 0;
    for (let i = 0; i < packet.length - 1; i++) sum = (sum + packet[i]!) & 0xff;
    if (sum !== packet[packet.length - 1] || packet[7] !== TYPE.RPC) return this.send(TYPE.ERROR, Buffer.from([ERROR.INVALID_RPC]));
    const data = packet.subarray(9, packet.length - 1);
    const command = data[0];
    const payload = data.subarray(2, 2 + (data[1] ?? 0));
    this.host.event('improv-in', { command: command ?? -1 });
    switch (command) {
      case 0x02: // request current state
        this.send(TYPE.STATE, Buffer.from([this.state]));
        if (this.state === STATE.PROVISIONED) this.sendResult(0x02, [this.url()]);
        return;
      case 0x03: // device info: firmware, version, chip, name
        return this.sendResult(0x03, ['ESPHome', this.host.config.esphome.version, 'ESP8266', this.name]);
      case 0x01: {
        const ssidLen = payload[0] ?? 0;
        const ssid = payload.subarray(1, 1 + ssidLen).toString('utf8');
        const pwLen = payload[1 + ssidLen] ?? 0;
        const password = payload.subarray(2 + ssidLen, 2 + ssidLen + pwLen).toString('utf8');
        this.state = STATE.PROVISIONING;
        this.send(TYPE.STATE, Buffer.from([this.state]));
        this.host.setTimer(() => this.connectWifi(ssid, password, true), 150);
        return;
      }
      default:
        return this.send(TYPE.ERROR, Buffer.from([ERROR.UNKNOWN_RPC]));
    }
  }

  private sendResult(command: number, values: string[]): void {
    const body = strings(values);
    this.send(TYPE.RESULT, Buffer.concat([Buffer.from([command, body.length]), body]));
  }

  private url(): string {
    return `http://${this.name}.local`;
  }

  private connectWifi(ssid: string, password: string, viaImprov: boolean): void {
    if (this.stopped) return;
    this.log('C', 'wifi:048', `Connecting to '${ssid}'`);
    const ap = this.host.config.wifi.find((w) => w.ssid === ssid && w.password === password);
    if (!ap) {
      this.log('W', 'wifi:640', `Could not connect to '${ssid}'`);
      if (viaImprov) {
        this.state = STATE.READY;
        this.send(TYPE.ERROR, Buffer.from([ERROR.UNABLE_TO_CONNECT]));
      }
      return;
    }
    this.host.settings.wifi_ssid = ssid;
    this.host.settings.wifi_password = password;
    this.log('I', 'wifi:617', 'WiFi Connected!');
    if (viaImprov) {
      this.state = STATE.PROVISIONED;
      this.send(TYPE.STATE, Buffer.from([this.state]));
      this.sendResult(0x01, [this.url()]);
    }
    this.connectMqtt();
  }

  private connectMqtt(): void {
    if (this.stopped) return;
    const { mqttHost, mqttPort } = this.host.config.esphome;
    const mqtt = new MiniMqtt();
    this.mqtt = mqtt;
    void mqtt
      .connect({ host: mqttHost, port: mqttPort, clientId: this.name, keepaliveSec: this.host.config.keepaliveSec, will: { topic: `${this.name}/status`, payload: 'offline', qos: 0, retain: true } })
      .then((r) => {
        if (this.stopped) return mqtt.close();
        if (!r.ok) {
          this.log('W', 'mqtt:211', `Connecting to MQTT failed: ${r.message}`);
          this.host.setTimer(() => this.connectMqtt(), this.host.config.mqttRetryMs);
          return;
        }
        this.log('I', 'mqtt:274', 'MQTT Connected!');
        this.host.event('mqtt-connected', { clientId: this.name });
        mqtt.publish(`${this.name}/status`, 'online', 0, true);
        this.host.setTimer(() => {
          mqtt.publish(`${this.name}/sensor/uptime/state`, '12');
          mqtt.publish(`${this.name}/sensor/wifi_signal/state`, '-58');
        }, this.host.config.teleperiodMs);
      });
  }
}
