/** Status words, their order of severity, and reason texts (mirrors electron/services/presence/reason-text.ts). */
import type { ConventionId, DeviceStatus, StatusReason } from '../../../electron/contract/index.js';

export const STATUS_WORD: Record<DeviceStatus, string> = {
  online: 'online',
  offline: 'offline',
  sleeping: 'sleeping',
  overdue: 'overdue',
  flapping: 'flapping',
  'never-seen': 'never seen',
};

/** worst first: what a lab wants at the top when sorting by status */
export const STATUS_RANK: Record<DeviceStatus, number> = { flapping: 0, offline: 1, overdue: 2, 'never-seen': 3, sleeping: 4, online: 5 };

export const STATUSES: DeviceStatus[] = ['online', 'offline', 'sleeping', 'overdue', 'flapping', 'never-seen'];

export const REASON_TEXT: Record<StatusReason, string> = {
  session: 'connected',
  'reported-online': 'reported online by its bridge',
  'clean-disconnect': 'disconnected cleanly',
  'keepalive-timeout': 'keepalive timeout',
  'connection-lost': 'connection lost',
  'taken-over': 'taken over (same client id)',
  'broker-restarted': 'broker restarted',
  'protocol-violation': 'protocol violation',
  'limit-exceeded': 'limit exceeded',
  'reported-offline': 'availability topic says offline',
  'sleep-payload': 'announced deep sleep',
  'expected-interval': 'sleeping between wake-ups',
  'missed-wake': 'missed its wake-up',
  transitions: 'many online/offline changes',
  'no-session-yet': 'never connected',
};

export const CONVENTION_LABEL: Record<ConventionId, string> = {
  tasmota: 'Tasmota',
  esphome: 'ESPHome',
  homie3: 'Homie 3',
  homie4: 'Homie 4',
  homie5: 'Homie 5',
  'shelly-gen1': 'Shelly Gen1',
  'zigbee2mqtt-bridge': 'Zigbee2MQTT bridge',
  'zigbee2mqtt-device': 'Zigbee2MQTT device',
  'home-assistant': 'Home Assistant',
  will: 'Will',
  'user-rule': 'User rule',
};

export function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}
