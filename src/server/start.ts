import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { startGraphQLEndpoint, type GraphQLEndpoint } from './graphql-endpoint';
import { ideAssetRoute } from './ide/routes';
import { InFlight } from './inflight';
import { createServerMetrics } from './metrics';
import { logHttpRequests } from './request-log/http';
import { OriginPolicy } from './origins';
import { GRAPHQL_PATH, createRequestHandler, pathOf, type ExtraRoute } from './router';
import { DEFAULT_LIMITS, type ServerLimits } from './server-limits';

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export { correlationIdOf } from './correlation';
export type { ExtraRoute } from './router';

export interface ServerOptions<Ctx extends object> {
  schema: GraphQLSchema;
  /** Port 0 picks any free port. */
  host: string;
  port: number;
  /** Introspection off, no "did you mean" suggestions, no GraphiQL IDE. */
  production: boolean;
  logger: Logger;
  /** The app's metrics registry: HTTP and GraphQL metrics are added to it and it is served on GET /metrics. */
  registry: Registry;
  /** Context for an HTTP request; a DomainError('UNAUTHENTICATED') becomes that GraphQL error with HTTP 401. */
  httpContext(req: IncomingMessage): Promise<Ctx>;
  /**
   * Context for a graphql-ws connection, called once in onConnect and reused by every operation of the
   * connection. A DomainError('UNAUTHENTICATED') closes the socket with 4401 (FORBIDDEN: 4403); the socket
   * is closed with 4401 "Token expired" when `expiresAt` (ms since the epoch) passes.
   */
  wsContext(
    connectionParams: Readonly<Record<string, unknown>> | undefined,
    req: IncomingMessage,
  ): Promise<{ context: Ctx; expiresAt: number | null }>;
  /** The caller's user ID in a context, for the request log; null when anonymous. */
  callerOf?(context: Ctx): string | null;
  /** Extra routes; a handler writes the whole response, or throws a DomainError before writing. */
  routes?: ExtraRoute[];
  /** For GET /readyz: 200 when ready, else 503; the body is `{ ...details, ready }`. */
  readiness(): Promise<{ ready: boolean; details: Record<string, unknown> }>;
  /** Document, subscription and connection limits; DEFAULT_LIMITS when not given. */
  limits?: ServerLimits;
  /** Browser origins allowed for CORS and WebSocket upgrades; null or not given: any. */
  allowedOrigins?: readonly string[] | null;
  /** Called on shutdown after the server stopped accepting and in-flight requests finished. */
  onClose?(): Promise<void>;
  /**
   * False: no GraphQL over HTTP or WebSocket and no GraphiQL (`/graphql` answers 404), only
   * `/healthz`, `/readyz`, `/metrics` and `routes`. Default true.
   */
  serveGraphQL?: boolean;
}

export interface RunningServer {
  /** http://host:port/graphql */
  url: string;
  port: number;
  /** Graceful and idempotent: stop accepting, close WebSockets (1001), drain HTTP, stop Apollo, onClose. */
  close(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 10_000;

export async function startServer<Ctx extends object>(options: ServerOptions<Ctx>): Promise<RunningServer> {
  const { logger, production, schema } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const origins = new OriginPolicy(options.allowedOrigins ?? null);
  const metrics = createServerMetrics(options.registry);
  const callerOf = (context: Ctx): string | null => options.callerOf?.(context) ?? null;
  const endpoint: GraphQLEndpoint | null =
    options.serveGraphQL === false
      ? null
      : await startGraphQLEndpoint<Ctx>({
          schema,
          production,
          logger,
          metrics,
          limits,
          httpContext: (req) => options.httpContext(req),
          wsContext: (params, req) => options.wsContext(params, req),
          callerOf,
        });

  const inFlight = new InFlight();
  let closing: Promise<void> | null = null;
  const handleRequest = createRequestHandler({
    graphql: endpoint?.http ?? null,
    routes: [...(options.routes ?? []), ...(production || !endpoint ? [] : [ideAssetRoute])],
    readiness: () => options.readiness(),
    registry: options.registry,
    metrics,
    logger,
    inFlight,
    origins,
    isClosing: () => closing !== null,
  });
  const server = createServer(logHttpRequests(logger, handleRequest));
  // Idle keep-alive connections stay open longer than clients (and proxies) keep them, so a
  // client never sends a request on a connection the server is closing at that moment.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    if (pathOf(req.url) !== GRAPHQL_PATH || !endpoint) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!origins.admits(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    endpoint.upgrade(req, socket, head);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    logger.debug({ err: error }, 'HTTP client error');
    if (error.code === 'ECONNRESET' || !socket.writable) socket.destroy();
    else socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await endpoint?.stop();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.debug({ host: options.host, port }, 'HTTP and WebSocket server listening');

  const shutdown = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    inFlight.closeConnectionsAfterResponse();
    await endpoint?.closeSockets();
    if (!(await inFlight.drained(DRAIN_TIMEOUT_MS)))
      logger.warn('in-flight HTTP requests cut off at shutdown');
    server.closeAllConnections();
    await stopped;
    await endpoint?.stop();
    await options.onClose?.();
    logger.info('server closed');
  };

  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    port,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** SIGTERM / SIGINT: close gracefully, then exit (1 if closing failed). A second signal exits at once. */
export function closeOnSignals(server: RunningServer, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
