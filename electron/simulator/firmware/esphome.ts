/**
 * ESPHome's MQTT component (components/mqtt): client id `<name>-<mac>`, topic prefix = node
 * name, will `<prefix>/status` = `offline` and birth `online` (retained); health sensors as the
 * lab YAML declares them (`wifi_signal`, `uptime`, debug `heap_free`, wifi_info `ip_address`,
 * version `esphome_version`); on shutdown (deep sleep, OTA) it publishes `offline` itself and
 * disconnects cleanly.
 */
import { hex6, msg, type DeviceState, type FirmwareProfile } from './profile.js';

export function esphomeProfile(index: number, prefix: string, keepalive = 15): FirmwareProfile {
  const name = `${prefix}esp-node-${index + 1}`;
  const status = `${name}/status`;
  return {
    flavor: 'esphome',
    clientId: `${name}-${hex6(0xa00000 + index).toLowerCase()}`,
    name,
    keepalive,
    will: msg(status, 'offline', 0, true),
    availabilityTopic: status,
    subscriptions: [`${name}/switch/+/command`],
    birth: (s: DeviceState) => [
      msg(status, 'online', 0, true),
      msg(`${name}/text_sensor/ip_address/state`, s.ip, 0, true),
      msg(`${name}/text_sensor/esphome_version/state`, '2024.6.1 Jun 10 2024, 12:00:00', 0, true),
    ],
    telemetry: (s: DeviceState) => [
      msg(`${name}/sensor/wifi_signal/state`, s.rssiDbm.toFixed(0), 0, true),
      msg(`${name}/sensor/uptime/state`, String(s.uptimeSec), 0, true),
      msg(`${name}/sensor/heap_free/state`, String(s.freeHeapBytes), 0, true),
      msg(`${name}/sensor/temperature/state`, s.temperature.toFixed(1), 0, true),
    ],
    sleep: () => [msg(status, 'offline', 0, true)],
    sleepExit: 'disconnect',
    shutdown: () => [msg(status, 'offline', 0, true)],
  };
}
