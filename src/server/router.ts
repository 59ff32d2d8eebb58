import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { correlationIdOf } from './correlation';
import { errorDocument, findDomainError, httpStatusForCode } from './errors';
import { sendJson } from './http-adapter';
import type { InFlight } from './inflight';
import { methodLabel, type ServerMetrics } from './metrics';
import type { OriginPolicy } from './origins';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface ExtraRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** The `route` label of the HTTP metrics; defaults to the pattern's source. */
  name?: string;
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void>;
}

export interface RouterOptions {
  /** Null: no GraphQL endpoint (`/graphql` is not found). */
  graphql: Handler | null;
  routes: readonly ExtraRoute[];
  readiness(): Promise<{ ready: boolean; details: Record<string, unknown> }>;
  registry: Registry;
  metrics: ServerMetrics;
  logger: Logger;
  inFlight: InFlight;
  origins: OriginPolicy;
  isClosing(): boolean;
}

export const GRAPHQL_PATH = '/graphql';

export const pathOf = (url: string | undefined): string => {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
};

const notFound: Handler = async (_req, res) => sendJson(res, 404, errorDocument('NOT_FOUND', 'Not found'));

const getOnly =
  (handler: Handler): Handler =>
  async (req, res) => {
    if (req.method === 'GET' || req.method === 'HEAD') return handler(req, res);
    sendJson(res, 405, errorDocument('BAD_USER_INPUT', 'Method not allowed'), { allow: 'GET, HEAD' });
  };

/** The HTTP request listener: correlation ID, metrics, and dispatch by path. */
export function createRequestHandler(
  options: RouterOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger, metrics } = options;

  const fixed = new Map<string, Handler>([
    ...(options.graphql ? [[GRAPHQL_PATH, options.graphql] as const] : []),
    ['/healthz', getOnly(async (_req, res) => sendJson(res, 200, { status: 'ok' }))],
    [
      '/readyz',
      getOnly(async (_req, res) => {
        let result: { ready: boolean; details: Record<string, unknown> };
        try {
          result = await options.readiness();
        } catch (error) {
          logger.error({ err: error }, 'readiness check failed');
          result = { ready: false, details: { error: 'readiness check failed' } };
        }
        sendJson(res, result.ready ? 200 : 503, { ...result.details, ready: result.ready });
      }),
    ],
    [
      '/metrics',
      getOnly(async (_req, res) => {
        const text = await options.registry.metrics();
        res.writeHead(200, { 'content-type': options.registry.contentType });
        res.end(text);
      }),
    ],
  ]);

  const resolve = (req: IncomingMessage): { route: string; handler: Handler } => {
    const path = pathOf(req.url);
    const handler = fixed.get(path);
    if (handler) return { route: path, handler };
    for (const extra of options.routes) {
      const match = req.method === extra.method ? extra.pattern.exec(path) : null;
      if (match)
        return { route: extra.name ?? extra.pattern.source, handler: (q, s) => extra.handle(q, s, match) };
    }
    return { route: 'unmatched', handler: notFound };
  };

  const fail = (res: ServerResponse, error: unknown, correlationId: string): void => {
    const domain = findDomainError(error);
    if (!domain) logger.error({ err: error, correlationId }, 'HTTP request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const document = domain
      ? errorDocument(domain.code, domain.message, domain.extensions)
      : errorDocument('INTERNAL_SERVER_ERROR', 'Internal server error');
    sendJson(res, domain ? httpStatusForCode(domain.code) : 500, document);
  };

  return (req, res) => {
    const started = process.hrtime.bigint();
    const correlationId = correlationIdOf(req);
    res.setHeader('x-request-id', correlationId);
    if (options.isClosing()) res.setHeader('connection', 'close');
    options.inFlight.track(res);
    const { route, handler } = resolve(req);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeHttp(methodLabel(req.method), route, res.statusCode, seconds);
    });
    if (options.origins.handle(req, res)) return;
    handler(req, res).catch((error: unknown) => fail(res, error, correlationId));
  };
}
