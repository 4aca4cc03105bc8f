/** Words for statuses and reasons, for alert texts and logs (the renderer has its own copy). */
import type { StatusReason } from '../../contract/fleet.js';

export const REASON_TEXT: Record<StatusReason, string> = {
  session: 'connected',
  'reported-online': 'reported online by its bridge',
  'clean-disconnect': 'disconnected cleanly',
  'keepalive-timeout': 'keepalive timeout',
  'connection-lost': 'connection lost',
  'taken-over': 'taken over by another connection with the same client id',
  'broker-restarted': 'broker restarted',
  'protocol-violation': 'protocol violation',
  'limit-exceeded': 'limit exceeded',
  'reported-offline': 'its availability topic says offline',
  'sleep-payload': 'announced deep sleep',
  'expected-interval': 'sleeping between expected wake-ups',
  'missed-wake': 'missed its expected wake-up',
  transitions: 'many online/offline changes',
  'no-session-yet': 'never connected',
};

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
