import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { createApollo } from './apollo';
import { CompiledOperations } from './compiled-operations';
import { DirectOperations } from './direct-operations';
import { documentValidator } from './document-validation';
import { createErrorFormatter } from './errors';
import { graphqlHttpHandler } from './graphql-http';
import { withIde } from './ide/routes';
import type { ServerMetrics } from './metrics';
import type { CallerOf } from './request-log/operation';
import type { Handler } from './router';
import type { ServerLimits } from './server-limits';
import { createGraphQLWebSocket, type WsContextFactory } from './ws';

export interface GraphQLEndpointOptions<Ctx extends object> {
  schema: GraphQLSchema;
  production: boolean;
  logger: Logger;
  metrics: ServerMetrics;
  limits: ServerLimits;
  httpContext(req: IncomingMessage): Promise<Ctx>;
  wsContext: WsContextFactory<Ctx>;
  callerOf: CallerOf<Ctx>;
}

/** `/graphql` over HTTP (Apollo; GraphiQL for browsers in development) and over WebSocket. */
export interface GraphQLEndpoint {
  http: Handler;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes the WebSocket clients (1001) and stops accepting upgrades. */
  closeSockets(): Promise<void>;
  /** Stops Apollo, after the HTTP requests in flight are done. */
  stop(): Promise<void>;
}

export async function startGraphQLEndpoint<Ctx extends object>(
  options: GraphQLEndpointOptions<Ctx>,
): Promise<GraphQLEndpoint> {
  const { schema, production, logger, metrics, limits, callerOf } = options;
  const formatError = createErrorFormatter({ logger, production });
  const compiled = new CompiledOperations(schema);
  const apollo = createApollo<Ctx>({
    schema,
    production,
    logger,
    formatError,
    metrics,
    callerOf,
    limits,
    compiled,
  });
  await apollo.start();
  const ws = createGraphQLWebSocket<Ctx>({
    schema,
    production,
    logger,
    formatError,
    metrics,
    wsContext: options.wsContext,
    callerOf,
    limits,
  });
  const direct = new DirectOperations({
    schema,
    validate: documentValidator(schema, production, limits.maxSelections),
    compiled,
    maxCost: limits.maxCost,
  });
  const graphql = graphqlHttpHandler<Ctx>({
    apollo,
    direct,
    metrics,
    formatError,
    callerOf,
    httpContext: (req) => options.httpContext(req),
    maxSelections: limits.maxSelections,
  });
  return {
    http: production ? graphql : withIde(graphql),
    upgrade: (req, socket, head) => ws.handleUpgrade(req, socket, head),
    closeSockets: () => ws.close(),
    stop: () => apollo.stop(),
  };
}
