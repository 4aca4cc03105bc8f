/**
 * Tasmota as it behaves on the wire (xdrv_02_9_mqtt.ino, support_tasmota.ino,
 * xdrv_29_deepsleep.ino): client id `DVES_<mac6>`, topic `tasmota_<mac6>`, FullTopic
 * `%prefix%/%topic%/`; will `tele/<topic>/LWT` = `Offline` (QoS 1, retained); on connect
 * `Online` (retained), INFO1/INFO2/INFO3; every TelePeriod `STATE` and `SENSOR`; before deep
 * sleep a retained `DEEPSLEEP` with the wake-up time, then a clean disconnect.
 */
import { hex6, msg, type DeviceState, type FirmwareProfile } from './profile.js';

function uptime(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d}T${two(h)}:${two(m)}:${two(s)}`;
}

const time = (now: number) => new Date(now).toISOString().slice(0, 19);

export function tasmotaProfile(index: number, prefix: string, keepalive = 30): FirmwareProfile {
  const mac = hex6(index + 1);
  const topic = `${prefix}tasmota_${mac}`;
  const lwt = `tele/${topic}/LWT`;
  return {
    flavor: 'tasmota',
    clientId: `${prefix}DVES_${mac}`,
    name: topic,
    keepalive,
    will: msg(lwt, 'Offline', 1, true),
    availabilityTopic: lwt,
    subscriptions: [`cmnd/${topic}/#`, 'cmnd/tasmotas/#'],
    birth: (s: DeviceState) => [
      msg(lwt, 'Online', 1, true),
      msg(`tele/${topic}/INFO1`, JSON.stringify({ Info1: { Module: 'Generic', Version: '14.1.0(tasmota)', FallbackTopic: `cmnd/DVES_${mac}_fb/`, GroupTopic: 'cmnd/tasmotas/' } })),
      msg(`tele/${topic}/INFO2`, JSON.stringify({ Info2: { WebServerMode: 'Admin', Hostname: `${topic}-${mac.slice(-4)}`, IPAddress: s.ip } })),
      msg(`tele/${topic}/INFO3`, JSON.stringify({ Info3: { RestartReason: s.bootCount === 1 ? 'Power On' : 'Software/System restart' } })),
    ],
    telemetry: (s: DeviceState) => [
      msg(
        `tele/${topic}/STATE`,
        JSON.stringify({
          Time: time(s.now),
          Uptime: uptime(s.uptimeSec),
          UptimeSec: s.uptimeSec,
          Heap: Math.round(s.freeHeapBytes / 1024),
          SleepMode: 'Dynamic',
          Sleep: 50,
          LoadAvg: 19,
          MqttCount: s.mqttCount,
          POWER: 'OFF',
          Wifi: { AP: 1, SSId: 'lab', BSSId: '30:B5:C2:00:00:01', Channel: 6, Mode: '11n', RSSI: Math.max(0, Math.min(100, 2 * (s.rssiDbm + 100))), Signal: s.rssiDbm, LinkCount: 1, Downtime: '0T00:00:03' },
        }),
      ),
      msg(`tele/${topic}/SENSOR`, JSON.stringify({ Time: time(s.now), AM2301: { Temperature: s.temperature, Humidity: 45.2, DewPoint: 9.1 }, TempUnit: 'C' })),
    ],
    sleep: (s: DeviceState, sleepSec: number) => {
      const epoch = Math.floor(s.now / 1000);
      return [msg(`tele/${topic}/DEEPSLEEP`, JSON.stringify({ DeepSleep: { Time: time(s.now), DeepSleep: epoch, Wakeup: epoch + sleepSec } }), 1, true)];
    },
    sleepExit: 'disconnect',
    shutdown: () => [],
  };
}
