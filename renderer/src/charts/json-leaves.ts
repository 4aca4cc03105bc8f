/**
 * The numeric values in a payload that can be charted: the whole payload when it is a number,
 * else every number (or numeric string) inside its JSON, with its path. Bounded, because a
 * payload may be any size: at most MAX_LEAVES values and MAX_DEPTH levels.
 */

export const MAX_LEAVES = 200;
export const MAX_DEPTH = 16;

export interface NumericLeaf {
  /** [] = the whole payload */
  path: string[];
  value: number;
}

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The same rule as the recorder's (electron/services/history/extract.ts). */
export function numericText(text: string): number | null {
  const trimmed = text.trim();
  if (!NUMERIC.test(trimmed)) return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

export function numericLeaves(text: string): { leaves: NumericLeaf[]; truncated: boolean } {
  const whole = numericText(text);
  if (whole !== null) return { leaves: [{ path: [], value: whole }], truncated: false };
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return { leaves: [], truncated: false };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return { leaves: [], truncated: false };
  }
  const leaves: NumericLeaf[] = [];
  let truncated = false;
  const walk = (node: unknown, path: string[]): void => {
    if (leaves.length >= MAX_LEAVES) {
      truncated = true;
      return;
    }
    if (typeof node === 'number') {
      if (Number.isFinite(node)) leaves.push({ path, value: node });
    } else if (typeof node === 'string') {
      const n = numericText(node);
      if (n !== null) leaves.push({ path, value: n });
    } else if (typeof node === 'object' && node !== null) {
      if (path.length >= MAX_DEPTH) {
        truncated = true;
        return;
      }
      const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
      for (const [k, v] of entries) walk(v, [...path, k]);
    }
  };
  walk(root, []);
  return { leaves, truncated };
}

export function pathLabel(path: readonly string[]): string {
  return path.length === 0 ? '(whole payload)' : path.join('.');
}
