/** Health telemetry parsers; the first that recognises a topic wins. */
import type { TelemetryReading } from './types.js';
import { tasmotaTelemetry } from './tasmota.js';
import { esphomeTelemetry } from './esphome.js';
import { homieTelemetry } from './homie.js';

export type { TelemetryPatch, TelemetryReading } from './types.js';

const parsers = [tasmotaTelemetry, homieTelemetry, esphomeTelemetry];

const TELEMETRY_LAST_LEVELS: ReadonlySet<string> = new Set(['STATE', 'SENSOR', 'INFO1', 'INFO2', 'state']);

/** Cheap test on the topic alone: could any parser want this message? */
export function telemetryCandidate(topicName: string): boolean {
  return TELEMETRY_LAST_LEVELS.has(topicName.slice(topicName.lastIndexOf('/') + 1)) || topicName.includes('/$');
}

export function parseTelemetry(topicName: string, payload: string): TelemetryReading | undefined {
  for (const parser of parsers) {
    const reading = parser.parse(topicName, payload);
    if (reading) return reading;
  }
  return undefined;
}
