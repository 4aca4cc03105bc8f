/**
 * A chart's data as CSV (RFC 4180: comma separated, CRLF line ends, fields with commas,
 * quotes or line breaks quoted, quotes doubled). One row per value; bucketed values carry
 * their min, max and count.
 */

import type { ChartPoint } from './series-buffer.js';

export interface CsvSeries {
  label: string;
  topicName: string;
  path: readonly string[];
  points: readonly ChartPoint[];
}

function field(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = ['series', 'topic', 'path', 'time', 'time_ms', 'value', 'min', 'max', 'count'];

export function toCsv(series: readonly CsvSeries[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const s of series) {
    for (const p of s.points) {
      lines.push(
        [s.label, s.topicName, s.path.join('.'), new Date(p.x).toISOString(), p.x, p.y, p.min, p.max, p.count].map(field).join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
