/**
 * What the headless host trusts: pages loaded from its own origin that present the per-run
 * token. The token is 32 random bytes, created per run and printed only in the URL line, so
 * neither another web page (which cannot read it) nor another local user (who cannot read
 * our stdout) can drive the app.
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';

export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenMatches(expected: string, presented: string | null): boolean {
  if (presented === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** `host:port` as it appears in a URL (IPv6 literals in brackets). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The origin a page served by us has. For a specific bind address that is exactly
 * `http://<host>:<port>`; when bound to all interfaces the page may be reached under any
 * of the machine's names, so it must at least be same-origin with the Host it asked for.
 */
export function isAllowedOrigin(origin: string | undefined, boundHost: string, port: number, requestHost: string | undefined): boolean {
  if (origin === undefined) return false;
  if (!isWildcardHost(boundHost)) return origin === `http://${hostPort(boundHost, port)}`;
  return requestHost !== undefined && origin === `http://${requestHost}` && requestHost.endsWith(`:${port}`);
}

/** The Content-Security-Policy of every page the host serves. */
export function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
