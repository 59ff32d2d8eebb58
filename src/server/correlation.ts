import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const CORRELATION_HEADER = 'x-request-id';

const SANE_ID = /^[A-Za-z0-9._-]{1,100}$/;
const ids = new WeakMap<IncomingMessage, string>();
/** A symbol-keyed property, because Apollo hands its plugins a shallow copy of the context. */
const REQUEST = Symbol('http request');

/**
 * The correlation ID of a request (or of a WebSocket connection's upgrade request): the client's
 * `X-Request-Id` when it is sane, otherwise a new UUID. Stable for the request's lifetime.
 */
export function correlationIdOf(req: IncomingMessage): string {
  let id = ids.get(req);
  if (id === undefined) {
    const header = req.headers[CORRELATION_HEADER];
    id = typeof header === 'string' && SANE_ID.test(header) ? header : randomUUID();
    ids.set(req, id);
  }
  return id;
}

/**
 * Remembers the HTTP request a GraphQL context was made for, so Apollo's plugins (which see only
 * the context) find the request's correlation ID and log record. Passed explicitly rather than
 * through AsyncLocalStorage, whose promise hooks cost every request.
 */
export function bindContextToRequest(context: object, req: IncomingMessage): void {
  Object.defineProperty(context, REQUEST, { value: req, enumerable: true });
}

export function requestOfContext(context: unknown): IncomingMessage | undefined {
  if (typeof context !== 'object' || context === null || !(REQUEST in context)) return undefined;
  return context[REQUEST] as IncomingMessage;
}
