/**
 * Small hand-written guards for request payloads. Every request crosses a trust boundary
 * (IPC from a renderer, a WebSocket frame from a browser), so it arrives as `unknown`.
 */

export type Validation<T> = { ok: true; value: T } | { ok: false; message: string };

export type Validator<T> = (input: unknown) => Validation<T>;

export function valid<T>(value: T): Validation<T> {
  return { ok: true, value };
}

export function invalid<T>(message: string): Validation<T> {
  return { ok: false, message };
}

export function isPlainObject(input: unknown): input is Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const proto: unknown = Object.getPrototypeOf(input);
  return proto === Object.prototype || proto === null;
}

/** Rejects keys the request type does not declare, so typos fail loudly instead of being ignored. */
export function unknownKeys(input: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(input).filter((k) => !allowed.includes(k));
}

/** `{}` (or `undefined`, which IPC and JSON may produce for an empty request). */
export function emptyRequest(input: unknown): Validation<Record<string, never>> {
  if (input === undefined) return valid({});
  if (!isPlainObject(input)) return invalid('request must be an object');
  const extra = Object.keys(input);
  if (extra.length > 0) return invalid(`unexpected field(s): ${extra.join(', ')}`);
  return valid({});
}

export function optionalInteger(
  input: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): Validation<number | undefined> {
  const v = input[key];
  if (v === undefined) return valid(undefined);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return invalid(`${key} must be an integer from ${min} to ${max}`);
  }
  return valid(v);
}
