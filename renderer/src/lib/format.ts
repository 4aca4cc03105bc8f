export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
export function formatBytes(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * How much of the clock a view shows: `seconds` wherever a view lists events (the default),
 * `milliseconds` only in the topic history (messages arrive within the same second), `minutes`
 * for chart ticks at whole minutes.
 */
export type TimePrecision = 'minutes' | 'seconds' | 'milliseconds';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * THE time format of the whole UI: local time on a 24-hour clock, `18:55:27` (`18:55`,
 * `18:55:27.112`). Built by hand rather than with toLocaleTimeString, whose 12- or 24-hour
 * choice follows the browser's locale and gave three formats on three pages.
 */
export function formatTime(ms: number, precision: TimePrecision = 'seconds'): string {
  const d = new Date(ms);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (precision === 'minutes') return hm;
  const hms = `${hm}:${pad(d.getSeconds())}`;
  return precision === 'seconds' ? hms : `${hms}.${pad(d.getMilliseconds(), 3)}`;
}

/** A local date and time, for moments that may lie days back: `2026-05-23 18:55:27`. */
export function formatDateTime(ms: number, precision: TimePrecision = 'seconds'): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTime(ms, precision)}`;
}
