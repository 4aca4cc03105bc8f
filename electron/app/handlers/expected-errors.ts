/**
 * The two things every area's handlers do around their service: say `unavailable` (with why)
 * when the service could not be started, and let the service's own refusals — the user's to
 * fix — cross as `bad-request` with their message. Anything else stays `internal`.
 */

import { HandlerError } from '../../bridge/errors.js';

/** A class of error a service throws on purpose for input it refuses. */
export type Refusal = abstract new (...args: never[]) => Error;

/** The service, or an `unavailable` HandlerError saying why there is none. */
export function available<T>(service: T | null, why: string): T {
  if (service === null) throw new HandlerError('unavailable', why);
  return service;
}

/** Runs `work`; an error of one of the `refusals` classes becomes a `bad-request` with its message. */
export async function refusalsAsBadRequest<T>(refusals: readonly Refusal[], work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (refusals.some((r) => err instanceof r)) throw new HandlerError('bad-request', (err as Error).message);
    throw err;
  }
}
