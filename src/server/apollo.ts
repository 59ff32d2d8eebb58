import { ApolloServer, HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { documentLimitsPlugin, type DocumentLimits } from './document-limits-plugin';
import { correlationIdOf, requestOfContext } from './correlation';
import { httpStatusForCode, findDomainError, tagWithCorrelationId, type ErrorFormatter } from './errors';
import type { CompiledOperations } from './compiled-operations';
import { jitGateway } from './jit-gateway';
import { MAX_TOKENS, limitRules } from './limits';
import { outcomeOf, type ServerMetrics } from './metrics';
import { requestLogPlugin } from './request-log/http';
import type { CallerOf } from './request-log/operation';

export interface ApolloOptions<Ctx> {
  schema: GraphQLSchema;
  production: boolean;
  logger: Logger;
  formatError: ErrorFormatter;
  metrics: ServerMetrics;
  callerOf: CallerOf<Ctx>;
  limits: DocumentLimits;
  compiled: CompiledOperations;
}

function metricsPlugin(metrics: ServerMetrics): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          metrics.countOperation('http', outcomeOf(errors));
        },
      };
    },
    async contextCreationDidFail({ error }) {
      metrics.countOperation('http', findDomainError(error)?.code ?? 'INTERNAL_SERVER_ERROR');
    },
    async invalidRequestWasReceived() {
      metrics.countOperation('http', 'BAD_USER_INPUT');
    },
  };
}

/** Errors of an operation carry its request's correlation ID to the formatter, which logs unexpected ones. */
function correlateErrorsPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ contextValue }) {
      const req = requestOfContext(contextValue);
      if (!req) return;
      const correlationId = correlationIdOf(req);
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) tagWithCorrelationId(error, correlationId);
        },
      };
    },
  };
}

export function createApollo<Ctx extends object>(options: ApolloOptions<Ctx>): ApolloServer<Ctx> {
  const { logger, production } = options;
  const plugins: ApolloServerPlugin<BaseContext>[] = [
    // The cache-control plugin wraps every field resolver; nothing here uses cache hints.
    ApolloServerPluginCacheControlDisabled(),
    metricsPlugin(options.metrics),
    correlateErrorsPlugin(),
    requestLogPlugin(options.callerOf),
    documentLimitsPlugin(options.schema, options.limits),
  ];
  // Apollo's landing page loads Apollo Sandbox from a CDN; development serves GraphiQL instead (ide/).
  plugins.push(ApolloServerPluginLandingPageDisabled());
  return new ApolloServer<Ctx>({
    // graphql-jit executes (compiled once per document); Apollo parses, validates, formats.
    gateway: jitGateway(options.schema, options.compiled),
    formatError: options.formatError,
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    persistedQueries: false,
    // Compact: Apollo's default indents every response, which costs time and bytes.
    stringifyResult: (result) => JSON.stringify(result),
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: [...limitRules],
    stopOnTerminationSignals: false,
    nodeEnv: production ? 'production' : 'development',
    logger: {
      debug: (message: unknown) => logger.debug(String(message)),
      info: (message: unknown) => logger.info(String(message)),
      warn: (message: unknown) => logger.warn(String(message)),
      error: (message: unknown) => logger.error(String(message)),
    },
    plugins,
  });
}

/**
 * What to throw when `httpContext` fails: a `DomainError` keeps its code and sets the HTTP status
 * (401 for UNAUTHENTICATED); anything else stays as is and becomes an internal error.
 */
export function contextCreationError(error: unknown): unknown {
  const domain = findDomainError(error);
  if (!domain) return error;
  const headers = new HeaderMap();
  if (domain.code === 'UNAUTHENTICATED') headers.set('www-authenticate', 'Bearer');
  return new GraphQLError(domain.message, {
    originalError: domain,
    extensions: { code: domain.code, http: { status: httpStatusForCode(domain.code), headers } },
  });
}
