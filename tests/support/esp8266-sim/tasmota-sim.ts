/**
 * A Tasmota serial console as the configuration code meets it (ESP8266.md §9; Tasmota support_command.ino,
 * xdrv_02_9_mqtt.ino): one command per line, echoed as `HH:MM:SS.mmm CMD: …`, results as `RSL: RESULT = {json}`
 * while MQTT is down and `MQT: stat/<topic>/RESULT = {json}` once connected; Backlog queues commands; settings that
 * need it restart the device after the backlog. Then it joins Wi-Fi and connects to the configured broker.
 */
import type { Firmware, FirmwareHost } from './firmware-host.js';
import { MiniMqtt } from './mini-mqtt.js';

type Settings = Record<string, string | number>;

const hex6 = (n: number): string => (n & 0xffffff).toString(16).toUpperCase().padStart(6, '0');

export class TasmotaSim implements Firmware {
  private line = '';
  private startedAt = Date.now();
  private mqtt: MiniMqtt | null = null;
  private mqttUp = false;
  private restartPending = false;
  private backlog: string[] = [];
  private backlogGapMs = 200;
  private backlogRunning = false;
  private stopped = false;

  constructor(private readonly host: FirmwareHost) {
    const s = host.settings as Settings;
    const defaults: Settings = {
      SSId1: '',
      Password1: '',
      MqttHost: '',
      MqttPort: 1883,
      MqttUser: 'DVES_USER',
      MqttPassword: 'DVES_PASS',
      Topic: `tasmota_${hex6(host.chipId)}`,
      FullTopic: '%prefix%/%topic%/',
      BootCount: 0,
    };
    for (const [k, v] of Object.entries(defaults)) if (!(k in s)) s[k] = v;
  }

  private get s(): Settings {
    return this.host.settings;
  }

  private ts(): string {
    const ms = Date.now() - this.startedAt;
    const d = new Date(ms);
    return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
  }

  private log(text: string): void {
    this.host.print(`${this.ts()} ${text}\r\n`);
  }

  boot(): void {
    this.startedAt = Date.now();
    this.s.BootCount = Number(this.s.BootCount) + 1;
    this.log('HDW: ESP8266EX');
    this.log(`CFG: Loaded from flash at FB, Count ${this.s.BootCount}`);
    this.log('Project tasmota - Tasmota Version 13.4.0(release-tasmota)-2_7_6(2024-01-24T09:00:00)');
    this.host.setTimer(() => this.joinWifi(), 50);
  }

  stop(): void {
    this.stopped = true;
    this.mqtt?.close();
    this.mqtt = null;
    this.mqttUp = false;
  }

  input(bytes: Buffer): void {
    for (const ch of bytes.toString('latin1')) {
      if (ch === '\n' || ch === '\r') {
        const cmd = this.line.trim();
        this.line = '';
        if (cmd) this.command(cmd, true);
      } else if (this.line.length < 700) {
        this.line += ch;
      }
    }
  }

  private topic(prefix: 'cmnd' | 'stat' | 'tele'): string {
    return String(this.s.FullTopic).replace('%prefix%', prefix).replace('%topic%', String(this.s.Topic)).replace(/\/$/, '');
  }

  private result(json: Record<string, unknown>): void {
    const text = JSON.stringify(json);
    if (this.mqttUp) {
      this.log(`MQT: ${this.topic('stat')}/RESULT = ${text}`);
      this.mqtt?.publish(`${this.topic('stat')}/RESULT`, text);
    } else {
      this.log(`RSL: RESULT = ${text}`);
    }
  }

  private command(raw: string, fromSerial: boolean): void {
    if (this.stopped) return;
    if (fromSerial) this.log(`CMD: ${raw}`);
    const m = /^(\S+?)(\d*)(?:\s+(.*))?$/.exec(raw);
    if (!m) return this.result({ Command: 'Error' });
    const name = m[1]!.toLowerCase();
    const index = m[2] ?? '';
    const arg = m[3]?.trim();
    const has = arg !== undefined && arg !== '';
    const set = (key: string, value: string | number, restart: boolean): void => {
      this.s[key] = value;
      if (restart) this.restartPending = true;
    };
    switch (name) {
      case 'backlog': {
        // [CmndBacklog] split on ';' outside {}, no nested Backlog; Backlog0 runs without gaps
        this.backlogGapMs = index === '0' ? 0 : 200;
        this.backlog.push(...splitBacklog(arg ?? '').filter((c) => !/^backlog/i.test(c)));
        if (!this.backlogRunning) this.runBacklog();
        return;
      }
      case 'ssid':
        if (index !== '1') return this.result({ Command: 'Error' });
        if (has) set('SSId1', arg, true);
        return this.result({ SSId1: this.s.SSId1 });
      case 'password':
        if (index !== '1') return this.result({ Command: 'Error' });
        // values of 4 characters or fewer are not stored and reply "****" (support_command.ino CmndPassword)
        if (has && arg.length > 4) {
          set('Password1', arg, true);
          return this.result({ Password1: arg });
        }
        return this.result({ Password1: '****' });
      case 'mqtthost':
        if (has) set('MqttHost', arg, true);
        return this.result({ MqttHost: this.s.MqttHost });
      case 'mqttport': {
        if (has) {
          const n = Number(arg);
          if (!Number.isInteger(n) || n < 1 || n > 65535) return this.result({ Command: 'Error' });
          set('MqttPort', n === 1 ? 1883 : n, true);
        }
        return this.result({ MqttPort: Number(this.s.MqttPort) });
      }
      case 'mqttuser':
        if (has) set('MqttUser', arg, true);
        return this.result({ MqttUser: this.s.MqttUser });
      case 'mqttpassword':
        if (has) set('MqttPassword', arg, true);
        return this.result({ MqttPassword: index === '2' ? '****' : this.s.MqttPassword });
      case 'topic':
        if (has) set('Topic', arg, true);
        return this.result({ Topic: this.s.Topic });
      case 'fulltopic':
        if (has) set('FullTopic', arg.endsWith('/') ? arg : `${arg}/`, true);
        return this.result({ FullTopic: this.s.FullTopic });
      case 'ipaddress':
        return this.result({ [`IPAddress${index || '1'}`]: `0.0.0.0 (${this.mqttUp ? '127.0.0.1' : '0.0.0.0'})` });
      case 'restart':
        if (arg === '1') {
          this.result({ Restart: 'Restarting' });
          this.host.setTimer(() => this.host.restart('Restart 1'), 100);
          return;
        }
        return this.result({ Restart: '1 to restart' });
      default:
        return this.result({ Command: 'Unknown' });
    }
  }

  private runBacklog(): void {
    const next = this.backlog.shift();
    if (next === undefined) {
      this.backlogRunning = false;
      // settings with restart_flag = 2 restart the device once the backlog is empty
      if (this.restartPending) {
        this.restartPending = false;
        this.host.setTimer(() => {
          this.log('APP: Restarting');
          this.host.restart('settings changed');
        }, 300);
      }
      return;
    }
    this.backlogRunning = true;
    this.command(next, false);
    this.host.setTimer(() => this.runBacklog(), this.backlogGapMs);
  }

  private joinWifi(): void {
    if (this.stopped) return;
    const ssid = String(this.s.SSId1);
    if (!ssid) {
      this.log('WIF: No SSID configured, WifiManager active for 3 minutes');
      return;
    }
    const hostname = `tasmota-${hex6(this.host.chipId)}-${String(this.host.chipId & 0xfff).padStart(4, '0')}`;
    this.log(`WIF: Connecting to AP1 ${ssid} in mode 11n as ${hostname}...`);
    const ap = this.host.config.wifi.find((w) => w.ssid === ssid);
    this.host.setTimer(() => {
      if (this.stopped) return;
      if (!ap || ap.password !== this.s.Password1) {
        this.log(`WIF: Connect failed ${ap ? 'with AP incorrect password' : 'as AP cannot be reached'}`);
        this.host.event('wifi-failed', { ssid });
        return;
      }
      this.log('WIF: Connected');
      this.host.event('wifi-connected', { ssid });
      this.connectMqtt();
    }, 100);
  }

  private connectMqtt(): void {
    if (this.stopped) return;
    const host = String(this.s.MqttHost);
    if (!host) {
      this.log('MQT: No MQTT host configured');
      return;
    }
    const port = Number(this.s.MqttPort);
    const clientId = `DVES_${hex6(this.host.chipId)}`;
    this.log('MQT: Attempting connection...');
    const mqtt = new MiniMqtt();
    this.mqtt = mqtt;
    const lwt = `${this.topic('tele')}/LWT`;
    void mqtt
      .connect({
        host,
        port,
        clientId,
        username: String(this.s.MqttUser),
        password: String(this.s.MqttPassword),
        keepaliveSec: this.host.config.keepaliveSec,
        will: { topic: lwt, payload: 'Offline', qos: 1, retain: true },
      })
      .then((r) => {
        if (this.stopped) return mqtt.close();
        if (!r.ok) {
          this.log(`MQT: Connect failed to ${host}:${port}, rc ${r.returnCode ?? -2}. Retry in ${this.host.config.mqttRetryMs / 1000} sec`);
          this.host.event('mqtt-failed', { returnCode: r.returnCode ?? null, message: r.message });
          mqtt.close();
          this.host.setTimer(() => this.connectMqtt(), this.host.config.mqttRetryMs);
          return;
        }
        this.mqttUp = true;
        this.log('MQT: Connected');
        this.host.event('mqtt-connected', { clientId });
        mqtt.publish(lwt, 'Online', 1, true);
        mqtt.publish(`${this.topic('tele')}/INFO1`, JSON.stringify({ Info1: { Module: 'Generic', Version: '13.4.0(tasmota)', FallbackTopic: `cmnd/${clientId}_fb/`, GroupTopic: 'cmnd/tasmotas/' } }));
        mqtt.publish(`${this.topic('tele')}/INFO2`, JSON.stringify({ Info2: { WebServerMode: 'Admin', Hostname: `tasmota-${hex6(this.host.chipId)}`, IPAddress: '127.0.0.1' } }));
        mqtt.publish(`${this.topic('tele')}/INFO3`, JSON.stringify({ Info3: { RestartReason: 'Software/System restart', BootCount: this.s.BootCount } }));
        this.host.setTimer(() => this.telemetry(), this.host.config.teleperiodMs);
        const stall = this.host.config.mqttStallAfterMs;
        if (stall !== undefined) this.host.setTimer(() => mqtt.stall(), stall);
      });
  }

  private telemetry(): void {
    if (this.stopped || !this.mqttUp || !this.mqtt) return;
    const uptime = Math.round((Date.now() - this.startedAt) / 1000);
    this.mqtt.publish(
      `${this.topic('tele')}/STATE`,
      JSON.stringify({ Time: new Date().toISOString().slice(0, 19), Uptime: `0T00:00:${String(uptime).padStart(2, '0')}`, UptimeSec: uptime, Heap: 25, MqttCount: 1, Wifi: { SSId: this.s.SSId1, RSSI: 78, Signal: -61, LinkCount: 1 } }),
    );
    this.mqtt.publish(`${this.topic('tele')}/SENSOR`, JSON.stringify({ Time: new Date().toISOString().slice(0, 19), AM2301: { Temperature: 21.4, Humidity: 48.2 } }));
    this.host.setTimer(() => this.telemetry(), Math.max(this.host.config.teleperiodMs, 1000));
  }
}

/** Split a Backlog argument on ';' outside braces (Template JSON keeps its semicolons). */
export function splitBacklog(arg: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of arg) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ';' && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
