/**
 * Homie devices (homie-esp8266 behaviour for 3.x; the 4.0 and 5.0 conventions otherwise): all
 * device attributes retained; `$state` init → ready, will `$state` = `lost`; before deep sleep
 * `$state` = `sleeping` then a clean disconnect (Homie.prepareToSleep). 3.x publishes `$stats/*`
 * and `$fw/*`; 4.x publishes them as the legacy extensions; 5 lives under `homie/5/` and has none.
 */
import { hex6, msg, type DeviceState, type FirmwareProfile, type SimMessage } from './profile.js';

export type HomieVersion = 3 | 4 | 5;

export function homieProfile(index: number, prefix: string, version: HomieVersion = 4, keepalive = 15, statsIntervalSec = 60): FirmwareProfile {
  const id = `${prefix}homie-dev-${index + 1}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const base = version === 5 ? `homie/5/${id}` : `homie/${id}`;
  const state = `${base}/$state`;
  const r = (topic: string, payload: string): SimMessage => msg(`${base}/${topic}`, payload, 1, true);
  const stats = (s: DeviceState): SimMessage[] =>
    version === 5 ? [] : [r('$stats/uptime', String(s.uptimeSec)), r('$stats/signal', String(Math.max(0, Math.min(100, 2 * (s.rssiDbm + 100))))), r('$stats/freeheap', String(s.freeHeapBytes))];
  return {
    flavor: 'homie',
    clientId: id,
    name: id,
    keepalive,
    will: msg(state, 'lost', 1, true),
    availabilityTopic: state,
    subscriptions: [`${base}/+/+/set`],
    birth: (s: DeviceState) => {
      const out: SimMessage[] = [msg(state, 'init', 1, true)];
      if (version === 5) {
        out.push(r('$description', JSON.stringify({ homie: '5.0', version: 1, name: id, nodes: { sensor: { name: 'Sensor', properties: { temperature: { datatype: 'float', unit: '°C' } } } } })));
      } else {
        out.push(r('$homie', version === 3 ? '3.0.1' : '4.0.0'), r('$name', `Homie device ${index + 1}`), r('$nodes', 'sensor'), r('sensor/$name', 'Sensor'), r('sensor/$properties', 'temperature'));
        out.push(r('$localip', s.ip), r('$mac', `5C:CF:7F:${hex6(index).replace(/(..)(..)(..)/, '$1:$2:$3')}`), r('$fw/name', 'lab-sensor'), r('$fw/version', '1.2.0'), r('$stats/interval', String(statsIntervalSec)));
        if (version === 4) out.push(r('$extensions', 'org.homie.legacy-stats:0.1.1:[4.x],org.homie.legacy-firmware:0.1.1:[4.x]'));
      }
      out.push(msg(state, 'ready', 1, true));
      return out;
    },
    telemetry: (s: DeviceState) => [...stats(s), r('sensor/temperature', s.temperature.toFixed(1))],
    sleep: () => [msg(state, 'sleeping', 1, true)],
    sleepExit: 'disconnect',
    shutdown: () => [msg(state, 'disconnected', 1, true)],
  };
}
