/**
 * A time axis on chart.js's linear scale (values are ms since epoch). We place ticks ourselves
 * at round local times (every 5 s, 15 min, 6 h, 1 day, …) and label them, instead of pulling in
 * a date library and chart.js's date adapter for that one job.
 */

import { formatDateTime, formatTime } from '../lib/format.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** Tick spacings we use, smallest first. */
export const STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 30 * D];

/** The smallest step that keeps the range within `maxTicks` ticks. */
export function stepFor(rangeMs: number, maxTicks: number): number {
  for (const step of STEPS) if (rangeMs / step <= Math.max(1, maxTicks)) return step;
  return STEPS[STEPS.length - 1] as number;
}

/** Offset of local time from UTC at `t`, in ms (positive east of Greenwich). */
function localOffset(t: number): number {
  return -new Date(t).getTimezoneOffset() * M;
}

/** Ticks at multiples of `step` in local time between min and max (inclusive). */
export function timeTicks(min: number, max: number, maxTicks: number): { step: number; ticks: number[] } {
  if (!(max > min)) return { step: S, ticks: [] };
  const step = stepFor(max - min, maxTicks);
  const offset = localOffset(min);
  const ticks: number[] = [];
  for (let t = Math.ceil((min + offset) / step) * step - offset; t <= max; t += step) ticks.push(t);
  return { step, ticks };
}

const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

function isLocalMidnight(t: number): boolean {
  const d = new Date(t);
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;
}

/** A tick's label: seconds when steps are below a minute, the date at midnight and for day steps. */
export function tickLabel(t: number, step: number): string {
  if (step >= D || isLocalMidnight(t)) return day.format(t);
  return formatTime(t, step < M ? 'seconds' : 'minutes');
}

/** A point's time in full (tooltips, the data table). */
export function fullTime(t: number): string {
  return formatDateTime(t);
}

export const WINDOW_MS = { '15m': 15 * M, '1h': H, '6h': 6 * H, '24h': D, '7d': 7 * D } as const;
