import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { CompiledOperations } from './compiled-operations';
import { correlationIdOf } from './correlation';
import type { DirectOperation } from './direct-operations';
import { tagWithCorrelationId, type ErrorFormatter } from './errors';
import { outcomeOf, type ServerMetrics } from './metrics';
import { noteOperation } from './request-log/http';
import type { CallerOf } from './request-log/operation';

export interface DirectAnswer<Ctx> {
  operation: DirectOperation;
  context: Ctx;
  req: IncomingMessage;
  res: ServerResponse;
  formatError: ErrorFormatter;
  metrics: ServerMetrics;
  callerOf: CallerOf<Ctx>;
}

const INTERNAL: GraphQLFormattedError = {
  message: 'Internal server error',
  extensions: { code: 'INTERNAL_SERVER_ERROR' },
};

/** An execution error as Apollo formats it: its own JSON with a code (INTERNAL_SERVER_ERROR by default). */
function formatLikeApollo(error: GraphQLError, formatError: ErrorFormatter): GraphQLFormattedError {
  const extensions = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
  try {
    return formatError({ ...error.toJSON(), extensions }, error);
  } catch {
    return INTERNAL;
  }
}

/**
 * Runs a prepared operation and answers as Apollo would: 200, `application/json`, `errors` before
 * `data`, each error through the server's formatter; then what Apollo's plugins would have done
 * (correlation of errors, the request's log record, the operation counter). No resolver sets an
 * error's `extensions.http` (only context and cost refusals do, and Apollo answers those).
 */
export async function answerDirectly<Ctx>(answer: DirectAnswer<Ctx>): Promise<void> {
  const { operation, context, req, res, formatError } = answer;
  const result = await CompiledOperations.run(
    operation.compiled,
    context,
    operation.variables,
    operation.source,
  );
  let errors: GraphQLFormattedError[] | undefined;
  if (result.errors) {
    const correlationId = correlationIdOf(req);
    errors = result.errors.map((error) => {
      tagWithCorrelationId(error, correlationId);
      return formatLikeApollo(error, formatError);
    });
  }
  const outcome = outcomeOf(errors);
  answer.metrics.countOperation('http', outcome);
  noteOperation(req, {
    operationName: operation.operation.name?.value ?? null,
    operationType: operation.operation.operation,
    caller: answer.callerOf(context),
    outcome,
  });
  const body = JSON.stringify({ errors, data: result.data, extensions: result.extensions });
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(body);
}
