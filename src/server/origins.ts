import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorDocument } from './errors';
import { sendJson } from './http-adapter';

const ALLOWED_HEADERS = 'authorization, content-type, x-support-case, x-request-id, apollo-require-preflight';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** The browser origin of a request, normalised like the configured ones; undefined without one. */
function originOf(req: IncomingMessage): string | undefined {
  const raw = headerValue(req.headers.origin);
  if (raw === undefined) return undefined;
  try {
    return new URL(raw).origin;
  } catch {
    return raw;
  }
}

/**
 * `ALLOWED_ORIGINS`. Requests without an `Origin` header (non-browser clients) are never affected;
 * with no list configured nothing changes (no CORS headers, every WebSocket upgrade accepted).
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string> | null;

  constructor(allowedOrigins: readonly string[] | null) {
    this.allowed = allowedOrigins === null ? null : new Set(allowedOrigins);
  }

  /** False for a browser request from an origin that is not in the list. */
  admits(req: IncomingMessage): boolean {
    const origin = originOf(req);
    return this.allowed === null || origin === undefined || this.allowed.has(origin);
  }

  /**
   * CORS for one HTTP request: refuses a foreign origin (403), answers a preflight (204), or sets the
   * response's CORS headers. Returns true when the response is written.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = originOf(req);
    if (this.allowed === null || origin === undefined) return false;
    if (!this.allowed.has(origin)) {
      sendJson(res, 403, errorDocument('FORBIDDEN', 'Origin not allowed'));
      return true;
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'x-request-id');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
        'content-length': '0',
      });
      res.end();
      return true;
    }
    return false;
  }
}
