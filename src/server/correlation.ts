import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const CORRELATION_HEADER = 'x-request-id';

const SANE_ID = /^[A-Za-z0-9._-]{1,100}$/;
const ids = new WeakMap<IncomingMessage, string>();
const storage = new AsyncLocalStorage<string>();

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

/** Runs `fn` with `id` as the current correlation ID (for logs written far from the request). */
export function runWithCorrelationId<T>(id: string, fn: () => T): T {
  return storage.run(id, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}
