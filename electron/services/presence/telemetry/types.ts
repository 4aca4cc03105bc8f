import type { ConventionId, TelemetryDto } from '../../../contract/fleet.js';

export type TelemetryPatch = Partial<Omit<TelemetryDto, 'at'>>;

/** What one telemetry message says about one device. */
export interface TelemetryReading {
  convention: ConventionId;
  /** the device's name in its firmware's terms */
  name: string;
  patch: TelemetryPatch;
  /** a periodic report (Tasmota STATE/SENSOR, ESPHome sensor states): its gaps teach the period */
  periodic: boolean;
  /** a period the device declares for its reports, seconds (Homie `$stats/interval`) */
  periodSec?: number;
}

export interface TelemetryParser {
  parse(topicName: string, payload: string): TelemetryReading | undefined;
}

export function finiteNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
export function ipv4(v: unknown): string | undefined {
  return typeof v === 'string' && IPV4.test(v.trim()) ? v.trim() : undefined;
}

/** Bounded text for a UI cell. */
export function shortText(v: unknown, max = 64): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '') return undefined;
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
