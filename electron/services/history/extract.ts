/**
 * Reading a number out of a payload: the whole payload as a number (`path: []`, ESPHome state
 * topics like `23.5`), or a field of its JSON by path (`['AM2301', 'Temperature']` in a Tasmota
 * `tele/<t>/SENSOR`; array elements by index). One message is decoded and parsed at most once,
 * however many series read from it.
 */

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number written as text ("23.5", " -4 ", "1e3"); not hex, not "", not "Infinity". */
export function parseNumericText(text: string): number | null {
  const trimmed = text.trim();
  if (!NUMERIC.test(trimmed)) return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const NOT_JSON = Symbol('not-json');

/** Lazily decoded views of one payload. */
export class PayloadReader {
  #text: string | undefined;
  #json: unknown = undefined;
  #parsed = false;

  constructor(private readonly payload: Uint8Array) {}

  text(): string {
    this.#text ??= decoder.decode(this.payload);
    return this.#text;
  }

  /** the parsed JSON object or array, or undefined when the payload is not one */
  json(): unknown {
    if (!this.#parsed) {
      this.#parsed = true;
      const text = this.text();
      const first = text.trimStart()[0];
      // Only objects and arrays have fields; a bare number is read by parseNumericText.
      if (first === '{' || first === '[') {
        try {
          this.#json = JSON.parse(text);
        } catch {
          this.#json = NOT_JSON;
        }
      } else {
        this.#json = NOT_JSON;
      }
    }
    return this.#json === NOT_JSON ? undefined : this.#json;
  }
}

/** A JSON value as a number: finite numbers, and strings holding a decimal number. */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return parseNumericText(value);
  return null;
}

export function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node)) {
      if (!/^(?:0|[1-9]\d*)$/.test(segment)) return undefined;
      node = node[Number(segment)];
    } else if (typeof node === 'object' && node !== null) {
      if (!Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
      node = (node as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return node;
}

/** The number a series reads from this payload, or null when there is none. */
export function extractNumber(reader: PayloadReader, path: readonly string[]): number | null {
  if (path.length === 0) return parseNumericText(reader.text());
  const json = reader.json();
  return json === undefined ? null : asNumber(valueAt(json, path));
}
