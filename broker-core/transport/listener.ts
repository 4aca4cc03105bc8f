/** What the broker hands a transport (a way to accept a connection) and gets back (a handle). */

import type { Wire, WireListener } from '../broker/wire.js';

/** Called for each new socket; returns the listener to drive, or undefined to refuse the socket. */
export type AcceptConnection = (wire: Wire) => WireListener | undefined;

export interface ListenerHandle {
  readonly host: string;
  readonly port: number;
  /** stops accepting; resolves when the server is closed (open sockets are closed by the broker) */
  close(): Promise<void>;
}

/** How long a closing connection may take to flush before its socket is destroyed. */
export const END_GRACE_MS = 5_000;

export function formatAddress(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return 'unknown';
  return address.includes(':') ? `[${address}]:${port ?? 0}` : `${address}:${port ?? 0}`;
}
