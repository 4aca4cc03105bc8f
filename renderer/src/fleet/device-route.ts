/**
 * The device page lives in the address: `#fleet/<device id>`. Browser Back returns to the list,
 * a notification or a bookmark can open one device, and the view stays the fleet view.
 */

const PREFIX = '#fleet/';

export function deviceHash(id: string): string {
  return PREFIX + encodeURIComponent(id);
}

/** the device id in `hash`, or null for the list (or any other view) */
export function deviceFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX) || hash.length === PREFIX.length) return null;
  try {
    return decodeURIComponent(hash.slice(PREFIX.length));
  } catch {
    return null; // a hand-typed malformed escape: show the list
  }
}
