/** What a simulated firmware publishes, independent of the connection handling. */

export type Flavor = 'tasmota' | 'esphome' | 'homie';

export interface SimMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

export interface DeviceState {
  /** seconds since this boot */
  uptimeSec: number;
  /** broker connections since boot (Tasmota MqttCount) */
  mqttCount: number;
  bootCount: number;
  rssiDbm: number;
  freeHeapBytes: number;
  ip: string;
  temperature: number;
  /** ms since epoch (for JSON Time fields) */
  now: number;
}

export interface FirmwareProfile {
  flavor: Flavor;
  clientId: string;
  /** the firmware's own name for itself (Tasmota topic, ESPHome node name, Homie id) */
  name: string;
  keepalive: number;
  will: SimMessage;
  /** the availability topic the fleet view should link */
  availabilityTopic: string;
  /** published right after CONNACK (birth, info) */
  birth(s: DeviceState): SimMessage[];
  /** one telemetry period's messages */
  telemetry(s: DeviceState): SimMessage[];
  /** before a deep sleep of `sleepSec` */
  sleep(s: DeviceState, sleepSec: number): SimMessage[];
  /** how the firmware leaves the broker when it goes to sleep */
  sleepExit: 'disconnect' | 'drop';
  /** before a clean shutdown (OTA, restart command) */
  shutdown(s: DeviceState): SimMessage[];
  /** topics the firmware subscribes to */
  subscriptions: string[];
}

export function msg(topic: string, payload: string, qos: 0 | 1 = 0, retain = false): SimMessage {
  return { topic, payload, qos, retain };
}

export function hex6(n: number): string {
  return (n & 0xffffff).toString(16).toUpperCase().padStart(6, '0');
}
