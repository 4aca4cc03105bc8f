// @ts-check
/** Small helpers: every wait in the bench has a deadline, so no scenario can hang the run. */

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wall clock in seconds with sub-millisecond resolution. */
export const nowS = () => performance.now() / 1000;

export class TimeoutError extends Error {}

/**
 * @template T
 * @param {Promise<T>} promise @param {number} ms @param {string} label
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, label) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${label}: timed out after ${(ms / 1000).toFixed(1)} s`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

/**
 * Polls `condition` until it holds; rejects with `describe()` in the message on timeout.
 * @param {() => boolean} condition @param {number} ms @param {string | (() => string)} describe
 * @param {number} [intervalMs]
 */
export async function waitFor(condition, ms, describe, intervalMs = 5) {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) {
      const what = typeof describe === 'function' ? describe() : describe;
      throw new TimeoutError(`${what}: timed out after ${(ms / 1000).toFixed(1)} s`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Waits until `value()` stops changing for `quietMs` (or `maxMs` passes); used to let a
 * broker finish delivering what it already accepted before loss is counted.
 * @param {() => number} value @param {number} quietMs @param {number} maxMs
 */
export async function waitQuiet(value, quietMs, maxMs) {
  const deadline = performance.now() + maxMs;
  let last = value();
  let lastChange = performance.now();
  while (performance.now() < deadline) {
    await sleep(20);
    const v = value();
    if (v !== last) {
      last = v;
      lastChange = performance.now();
    } else if (performance.now() - lastChange >= quietMs) {
      return;
    }
  }
}

/** @param {number[]} values @returns {number | null} */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? /** @type {number} */ (v[mid]) : (/** @type {number} */ (v[mid - 1]) + /** @type {number} */ (v[mid])) / 2;
}

/**
 * Nearest-rank percentile of an ascending-sorted array.
 * @param {Float64Array | number[]} sorted @param {number} p in [0, 100]
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return /** @type {number} */ (sorted[rank - 1]);
}

/** @param {number} x @param {number} digits */
export const round = (x, digits) => Number(x.toFixed(digits));

/** @param {unknown} err */
export const errorText = (err) => (err instanceof Error ? err.message : String(err));
