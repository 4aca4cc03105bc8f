/**
 * The outage log as CSV (RFC 4180): ISO-8601 UTC times, duration in seconds. Device names come
 * from the network, so cells that a spreadsheet would run as a formula are prefixed with `'`.
 */
import type { OutageDto } from '../../contract/fleet.js';

const HEADER = ['device_id', 'name', 'start', 'end', 'duration_s', 'reason'];

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function outagesCsv(outages: OutageDto[], nameOf: (deviceId: string) => string): string {
  const rows = [HEADER.join(',')];
  for (const o of outages) {
    rows.push(
      [
        o.deviceId,
        nameOf(o.deviceId),
        new Date(o.start).toISOString(),
        o.end === null ? '' : new Date(o.end).toISOString(),
        o.durationMs === null ? '' : (o.durationMs / 1000).toFixed(3),
        o.reason,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}
