import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from 'pino';
import { correlationIdOf, requestOfContext } from '../correlation';
import { outcomeOf } from '../metrics';
import { pathOf } from '../router';
import { durationMsSince, type CallerOf } from './operation';

/** What the GraphQL layers learn about one HTTP request, for its log line. */
interface HttpRequestRecord {
  operationName: string | null;
  operationType: string | null;
  caller: string | null;
  outcome: string | null;
}

const records = new WeakMap<IncomingMessage, HttpRequestRecord>();

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
    records.set(req, record);
    listener(req, res);
  };
}

/** What the GraphQL layer learnt of a request, for its log line. */
export function noteOperation(req: IncomingMessage, learnt: Partial<HttpRequestRecord>): void {
  const record = records.get(req);
  if (record) Object.assign(record, learnt);
}

/**
 * Fills the request's log record with the operation Apollo resolved, the caller of its context and
 * the outcome (the same code the metrics count). A request Apollo refused before it had a context
 * gets its outcome from the HTTP status.
 */
export function requestLogPlugin<Ctx extends object>(
  callerOf: CallerOf<Ctx>,
): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const req = requestOfContext(contextValue);
      const record = req && records.get(req);
      if (!record) return;
      record.operationName = request.operationName ?? null;
      record.caller = callerOf(contextValue as Ctx);
      return {
        async didResolveOperation({ operation, operationName }) {
          record.operationName = operationName;
          record.operationType = operation?.operation ?? null;
        },
        async willSendResponse({ response }) {
          const body = response.body;
          record.outcome = outcomeOf(
            body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors,
          );
        },
      };
    },
  };
}
