import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  getOperationAST,
  parse,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import {
  handleProtocols,
  makeServer,
  type Context,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { RateLimiter } from '../app/rate-limiter';
import { correlationIdOf } from './correlation';
import { DocumentCache } from './document-cache';
import { fragmentsOf } from './document-limits-plugin';
import { documentValidator, withCode } from './document-validation';
import { findDomainError, tagWithCorrelationId, type ErrorFormatter } from './errors';
import { MAX_BODY_BYTES, MAX_TOKENS } from './limits';
import { outcomeOf, type ServerMetrics } from './metrics';
import type { CallerOf } from './request-log/operation';
import { WsOperationLog } from './request-log/ws';
import { operationCost, tooCostlyError } from './query-cost';
import type { ServerLimits } from './server-limits';
import { SubscriptionQuota, type SubscriptionHolder } from './subscription-quota';

export type WsContextFactory<Ctx> = (
  connectionParams: Readonly<Record<string, unknown>> | undefined,
  req: IncomingMessage,
) => Promise<{ context: Ctx; expiresAt: number | null }>;

export interface GraphQLWebSocketOptions<Ctx> {
  schema: GraphQLSchema;
  production: boolean;
  logger: Logger;
  formatError: ErrorFormatter;
  metrics: ServerMetrics;
  wsContext: WsContextFactory<Ctx>;
  callerOf: CallerOf<Ctx>;
  limits: ServerLimits;
}

export interface GraphQLWebSocket {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every client with 1001, waits (bounded) for them to go, and stops accepting upgrades. */
  close(): Promise<void>;
}

interface Connection<Ctx> extends SubscriptionHolder {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  readonly correlationId: string;
  context?: Ctx;
  expiryTimer?: NodeJS.Timeout;
  /** Operations executing, with the code of their first error: counted in the metrics when they end. */
  readonly running: Map<string, string | undefined>;
  readonly log: WsOperationLog;
}

const KEEPALIVE_MS = 12_000;
const CLOSE_WAIT_MS = 3_000;
/** setTimeout fires at once for delays above 2^31-1 ms; longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

/** A WebSocket close reason may hold at most 123 bytes. */
const closeReason = (reason: string, fallback: string): string =>
  Buffer.byteLength(reason) <= 123 ? reason : fallback;

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

/** graphql-ws on a `ws` server, with the same limits and error formatting as the HTTP side. */
export function createGraphQLWebSocket<Ctx extends object>(
  options: GraphQLWebSocketOptions<Ctx>,
): GraphQLWebSocket {
  const { schema, production, logger, formatError, metrics, limits } = options;
  const quota = new SubscriptionQuota({
    perConnection: limits.maxSubscriptionsPerConnection,
    perUser: limits.maxSubscriptionsPerUser,
  });
  const inits = new RateLimiter(limits.connectionInitsPerMinute, 60_000);
  const validDocuments = new DocumentCache();

  const validationErrors = documentValidator(schema, production, limits.maxSelections);
  type Ctxt = Context<Record<string, unknown>, Connection<Ctx>>;

  const format = (connection: Connection<Ctx>, errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      tagWithCorrelationId(error, connection.correlationId);
      return formatError(error.toJSON(), error);
    });
  const callerOf = (connection: Connection<Ctx>): string | null =>
    connection.context ? options.callerOf(connection.context) : null;
  const recordError = (connection: Connection<Ctx>, id: string, outcome: string): void => {
    if (connection.running.has(id) && connection.running.get(id) === undefined)
      connection.running.set(id, outcome);
  };

  const scheduleExpiry = (connection: Connection<Ctx>, expiresAt: number): void => {
    const delay = expiresAt - Date.now();
    if (delay <= 0) {
      connection.socket.close(4401, 'Token expired');
      return;
    }
    connection.expiryTimer = setTimeout(
      () => scheduleExpiry(connection, expiresAt),
      Math.min(delay, MAX_TIMER_MS),
    );
  };

  const graphqlWs = makeServer<Record<string, unknown>, Connection<Ctx>>({
    async onConnect(ctx: Ctxt) {
      const connection = ctx.extra;
      const address = connection.request.socket.remoteAddress ?? 'unknown';
      if (!(await inits.take(address, Date.now())).allowed) {
        connection.socket.close(4429, 'Too many connection requests');
        return false;
      }
      try {
        const { context, expiresAt } = await options.wsContext(ctx.connectionParams, connection.request);
        if (connection.socket.readyState !== WebSocket.OPEN) return false;
        if (expiresAt !== null && expiresAt <= Date.now()) {
          connection.socket.close(4401, 'Token expired');
          return false;
        }
        connection.context = context;
        connection.subscriberId = options.callerOf(context);
        if (expiresAt !== null) scheduleExpiry(connection, expiresAt);
        return true;
      } catch (error) {
        const domain = findDomainError(error);
        if (domain?.code === 'UNAUTHENTICATED') {
          connection.socket.close(4401, closeReason(`Unauthorized: ${domain.message}`, 'Unauthorized'));
        } else if (domain?.code === 'FORBIDDEN') {
          connection.socket.close(4403, closeReason(`Forbidden: ${domain.message}`, 'Forbidden'));
        } else {
          logger.error(
            { err: error, correlationId: connection.correlationId },
            'WebSocket connection context failed',
          );
          connection.socket.close(4500, 'Internal server error');
        }
        return false;
      }
    },

    onSubscribe(ctx: Ctxt, id, payload): ExecutionArgs | readonly GraphQLError[] {
      ctx.extra.log.started(id, payload.operationName);
      const cached = validDocuments.get(payload.query);
      let document: DocumentNode;
      if (cached) document = cached;
      else {
        try {
          document = parse(payload.query, { maxTokens: MAX_TOKENS });
        } catch (error) {
          if (error instanceof GraphQLError) return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
          throw error;
        }
      }
      ctx.extra.log.resolved(id, document, payload.operationName);
      if (!cached) {
        const errors = validationErrors(document);
        if (errors.length > 0) return errors;
        validDocuments.set(payload.query, document);
      }
      const operation = getOperationAST(document, payload.operationName);
      if (operation) {
        const cost = operationCost(schema, fragmentsOf(document.definitions), operation, payload.variables);
        if (cost > limits.maxCost) return [tooCostlyError(cost, limits.maxCost)];
        if (operation.operation === 'subscription') {
          const refused = quota.reserve(ctx.extra, id);
          if (refused) return [refused];
        }
      }
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: ctx.extra.context,
      };
    },

    onOperation(ctx: Ctxt, id) {
      ctx.extra.running.set(id, undefined);
    },

    onNext(ctx: Ctxt, id, _payload, _args, result: ExecutionResult): FormattedExecutionResult {
      const { errors, ...rest } = result;
      if (!errors?.length) return rest;
      // Without data and without a path, the operation never ran (bad variables, unknown operation name).
      const tagged =
        result.data === undefined
          ? errors.map((error) =>
              error.path || error.extensions.code ? error : withCode(error, 'BAD_USER_INPUT'),
            )
          : errors;
      const formatted = format(ctx.extra, tagged);
      recordError(ctx.extra, id, outcomeOf(formatted));
      return { ...rest, errors: formatted };
    },

    onError(ctx: Ctxt, id, _payload, errors) {
      quota.release(ctx.extra, id);
      const formatted = format(ctx.extra, errors);
      // An operation refused before it ran (parse, validation) gets no onComplete: count it now.
      if (ctx.extra.running.has(id)) recordError(ctx.extra, id, outcomeOf(formatted));
      else {
        metrics.countOperation('ws', outcomeOf(formatted));
        ctx.extra.log.finished(id, outcomeOf(formatted), callerOf(ctx.extra));
      }
      return formatted;
    },

    onComplete(ctx: Ctxt, id) {
      quota.release(ctx.extra, id);
      const running = ctx.extra.running;
      if (!running.has(id)) return;
      const outcome = running.get(id) ?? 'ok';
      metrics.countOperation('ws', outcome);
      ctx.extra.log.finished(id, outcome, callerOf(ctx.extra));
      running.delete(id);
    },
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_BODY_BYTES,
    handleProtocols: (protocols: Set<string>) => handleProtocols(protocols),
  });
  let closing = false;

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const correlationId = correlationIdOf(request);
    const connection: Connection<Ctx> = {
      socket,
      request,
      correlationId,
      running: new Map(),
      log: new WsOperationLog(logger, correlationId),
      subscriptions: new Set(),
      subscriberId: null,
    };
    const closed = graphqlWs.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== WebSocket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: RawData) => {
            handle(rawToString(data)).catch((error: unknown) => {
              logger.error(
                { err: error, correlationId: connection.correlationId },
                'WebSocket message failed',
              );
              socket.close(4500, 'Internal server error');
            });
          }),
      },
      connection,
    );

    let alive = true;
    socket.on('pong', () => {
      alive = true;
    });
    const keepalive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, KEEPALIVE_MS);

    // Without a listener an 'error' (e.g. a message over maxPayload, answered by ws with close 1009) would crash.
    socket.on('error', (error) => {
      logger.warn({ err: error, correlationId: connection.correlationId }, 'WebSocket error');
    });
    socket.once('close', (code, reason) => {
      clearInterval(keepalive);
      clearTimeout(connection.expiryTimer);
      quota.releaseAll(connection);
      closed(code, reason.toString()).catch((error: unknown) => {
        logger.error({ err: error, correlationId: connection.correlationId }, 'WebSocket cleanup failed');
      });
    });
  });

  return {
    handleUpgrade(req, socket, head) {
      if (closing) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
    },

    async close() {
      closing = true;
      const clients = [...wss.clients];
      await Promise.all(
        clients.map(
          (client) =>
            new Promise<void>((resolve) => {
              if (client.readyState === WebSocket.CLOSED) return resolve();
              const timer = setTimeout(() => {
                client.terminate();
                resolve();
              }, CLOSE_WAIT_MS);
              client.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              client.close(1001, 'Server shutting down');
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
