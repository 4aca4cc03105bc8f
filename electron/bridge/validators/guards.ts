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

/** A request object with no keys but the `allowed` ones. */
export function fields(input: unknown, allowed: readonly string[]): Validation<Record<string, unknown>> {
  if (!isPlainObject(input)) return invalid('request must be an object');
  const extra = unknownKeys(input, allowed);
  if (extra.length > 0) return invalid(`unexpected field(s): ${extra.join(', ')}`);
  return valid(input);
}

/** The same for a request whose fields are all optional: `undefined` (which IPC and JSON may produce for `{}`) is `{}`. */
export function optionalFields(input: unknown, allowed: readonly string[]): Validation<Record<string, unknown>> {
  return input === undefined ? valid({}) : fields(input, allowed);
}

/** `{}` (or `undefined`, see optionalFields). */
export function emptyRequest(input: unknown): Validation<Record<string, never>> {
  const f = optionalFields(input, []);
  return f.ok ? valid({}) : f;
}

export function text(v: unknown, key: string, min: number, max: number): Validation<string> {
  if (typeof v !== 'string') return invalid(`${key} must be a string`);
  if (v.length < min || v.length > max) return invalid(`${key} must have ${min} to ${max} characters`);
  return valid(v);
}

/** The validator of a request that is one id: `{ [key]: string of 1 to maxChars characters }`. */
export function idRequest<K extends string>(key: K, maxChars: number): Validator<Record<K, string>> {
  return (input) => {
    const f = fields(input, [key]);
    if (!f.ok) return f;
    const id = text(f.value[key], key, 1, maxChars);
    return id.ok ? valid({ [key]: id.value } as Record<K, string>) : id;
  };
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
