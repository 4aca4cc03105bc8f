/** Bounded decoding of MQTT payloads for presence and telemetry parsing. */

/** Availability payloads are words; anything longer than this is not one of them. */
export const MAX_AVAILABILITY_PAYLOAD = 256;
/** Telemetry JSON (Tasmota STATE is ~600 bytes) is parsed only up to this size. */
export const MAX_TELEMETRY_PAYLOAD = 8192;
/** Previews shown in the UI. */
export const PREVIEW_CHARS = 256;

const decoder = new TextDecoder('utf-8', { fatal: false });

export function decodeBounded(payload: Uint8Array, maxBytes: number): string | undefined {
  if (payload.byteLength > maxBytes) return undefined;
  return decoder.decode(payload);
}

export function preview(payload: Uint8Array): string {
  const head = payload.byteLength > PREVIEW_CHARS * 4 ? payload.subarray(0, PREVIEW_CHARS * 4) : payload;
  const text = decoder.decode(head);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/** A JSON object, or undefined for anything else (never throws on hostile input). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
