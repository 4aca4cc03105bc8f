/**
 * Serves the built renderer (dist/renderer) read-only. Only GET/HEAD, only files under the
 * root, no directory listings; every response carries the CSP and no-referrer (the page
 * URL holds the token, so it must never leak through a Referer header).
 */

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticOptions {
  rootDir: string;
  csp: string;
  /** Host header values we answer to (DNS-rebinding guard); undefined accepts any */
  isAllowedHost?: (host: string | undefined) => boolean;
}

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Resolves a URL path to a file under root, or null for anything that tries to escape it. */
export function resolveUnder(rootDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const full = resolve(root, relative);
  return full.startsWith(root + sep) ? full : null;
}

export function createStaticHandler(options: StaticOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const headers = securityHeaders(options.csp);
  return (req, res) => {
    void (async () => {
      if (options.isAllowedHost && !options.isAllowedHost(req.headers.host)) {
        send(res, 421, 'Misdirected request\n', headers);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'Method not allowed\n', { ...headers, Allow: 'GET, HEAD' });
        return;
      }
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const file = resolveUnder(options.rootDir, path);
      const info = file ? await stat(file).catch(() => null) : null;
      if (!file || !info?.isFile()) {
        send(res, 404, 'Not found\n', headers);
        return;
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        // Hashed asset names may be cached; the page itself never (it must match this run).
        'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    })().catch(() => res.destroy());
  };
}
