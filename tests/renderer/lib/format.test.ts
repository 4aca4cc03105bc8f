/**
 * One time format across the UI (fleet, device page, alerts, topic history, charts): local time
 * on a 24-hour clock, whatever the locale would choose.
 */
import { describe, expect, it } from 'vitest';
import { formatDateTime, formatTime } from '../../../renderer/src/lib/format.js';
import { fullTime, tickLabel } from '../../../renderer/src/charts/time-axis.js';

// local times, so the test holds in any time zone
const evening = new Date(2026, 4, 23, 18, 55, 27, 112).getTime();
const morning = new Date(2026, 0, 3, 6, 4, 5, 7).getTime();

describe('time format', () => {
  it('shows events on a 24-hour clock with seconds, never AM/PM', () => {
    expect(formatTime(evening)).toBe('18:55:27');
    expect(formatTime(morning)).toBe('06:04:05');
    expect(formatTime(new Date(2026, 0, 3, 0, 0, 0).getTime())).toBe('00:00:00');
  });

  it('adds milliseconds only when asked (the topic history), and drops seconds for whole-minute ticks', () => {
    expect(formatTime(evening, 'milliseconds')).toBe('18:55:27.112');
    expect(formatTime(morning, 'milliseconds')).toBe('06:04:05.007');
    expect(formatTime(evening, 'minutes')).toBe('18:55');
  });

  it('writes a date and time as year-month-day and the same clock', () => {
    expect(formatDateTime(morning)).toBe('2026-01-03 06:04:05');
  });

  it('chart axes and tooltips use the same clock', () => {
    expect(tickLabel(new Date(2026, 4, 23, 19, 0, 0).getTime(), 60_000)).toBe('19:00');
    expect(tickLabel(new Date(2026, 4, 23, 19, 0, 5).getTime(), 5_000)).toBe('19:00:05');
    expect(fullTime(evening)).toBe('2026-05-23 18:55:27');
  });
});
