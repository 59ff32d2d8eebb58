import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from 'pino';
import { correlationIdOf } from '../correlation';
import type { ServerMetrics } from '../metrics';
import { pathOf } from '../router';
import { durationMsSince, type CallerOf } from './operation';

/** What the GraphQL layers learn about one HTTP request, for its log line. */
interface HttpRequestRecord {
  operationName: string | null;
  operationType: string | null;
  caller: string | null;
  outcome: string | null;
}

const current = new AsyncLocalStorage<HttpRequestRecord>();

/** Probes and static files: logged at debug, so a scraper or a load balancer does not flood the log. */
const QUIET_PATHS = /^\/(healthz|readyz|metrics|ide\/.*)$/;

/** An outcome for a request that never reached GraphQL (a 404, a 405, a failed route). */
function outcomeOfStatus(status: number): string {
  if (status < 400) return 'ok';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  return status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR';
}

/**
 * One JSON line per HTTP request when its response is done: request ID, method, path, status,
 * the GraphQL operation's name and type, the caller's user ID, the outcome code and the duration.
 * Never headers, the token, the query text or variables.
 */
export function logHttpRequests(
  logger: Logger,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = process.hrtime.bigint();
    const record: HttpRequestRecord = {
      operationName: null,
      operationType: null,
      caller: null,
      outcome: null,
    };
    res.once('close', () => {
      const path = pathOf(req.url);
      const line = {
        requestId: correlationIdOf(req),
        transport: 'http',
        method: req.method,
        path,
        status: res.statusCode,
        operationName: record.operationName,
        operationType: record.operationType,
        caller: record.caller,
        outcome: record.outcome ?? outcomeOfStatus(res.statusCode),
        durationMs: durationMsSince(started),
      };
      if (QUIET_PATHS.test(path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    current.run(record, () => listener(req, res));
  };
}

/**
 * The metrics count every GraphQL operation over HTTP once with its outcome, wherever it ends
 * (Apollo, a refused body, a failed context): the request's log line takes the same outcome.
 */
export function recordingHttpOutcomes(metrics: ServerMetrics): ServerMetrics {
  return {
    ...metrics,
    countOperation(transport, outcome) {
      metrics.countOperation(transport, outcome);
      const record = current.getStore();
      if (transport === 'http' && record) record.outcome = outcome;
    },
  };
}

/** Fills the request's log record with the operation Apollo resolved and the caller of its context. */
export function requestLogPlugin<Ctx extends object>(
  callerOf: CallerOf<Ctx>,
): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const record = current.getStore();
      if (!record) return;
      record.operationName = request.operationName ?? null;
      record.caller = callerOf(contextValue as Ctx);
      return {
        async didResolveOperation({ operation, operationName }) {
          record.operationName = operationName;
          record.operationType = operation?.operation ?? null;
        },
      };
    },
  };
}
