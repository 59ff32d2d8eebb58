import type { ApolloServer } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contextCreationError } from './apollo';
import { bindContextToRequest, correlationIdOf } from './correlation';
import { answerDirectly } from './direct-answer';
import type { DirectOperations } from './direct-operations';
import { errorDocument, tagWithCorrelationId, type ErrorFormatter } from './errors';
import { parseBody, readBody, sendJson, toHeaderMap, writeGraphQLResponse } from './http-adapter';
import { MAX_BODY_BYTES } from './limits';
import type { ServerMetrics } from './metrics';
import type { CallerOf } from './request-log/operation';
import { tooManySelectionsInText } from './selection-count';

export interface GraphQLHttpOptions<Ctx extends object> {
  apollo: ApolloServer<Ctx>;
  direct: DirectOperations;
  metrics: ServerMetrics;
  formatError: ErrorFormatter;
  callerOf: CallerOf<Ctx>;
  httpContext(req: IncomingMessage): Promise<Ctx>;
  maxSelections: number;
}

/** The document text of a POST body or a GET query string, if there is one. */
function queryTextOf(body: unknown, search: string): string | undefined {
  if (typeof body === 'object' && body !== null && 'query' in body)
    return typeof body.query === 'string' ? body.query : undefined;
  return new URLSearchParams(search).get('query') ?? undefined;
}

/** A client still sending gets this long to read the 413 before the connection is cut. */
const LINGER_MS = 2_000;

/**
 * 413 without reading the rest of the body: the response is written, then the connection half-closed and,
 * after a short grace, destroyed. Closing at once (as `res.end()` with `Connection: close` does) would
 * reset a connection with unread data, and a client still writing would often miss the response.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(errorDocument('BAD_USER_INPUT', 'Request body too large'));
  res.writeHead(413, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  });
  res.write(body);
  const socket = req.socket;
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(timer));
}

/**
 * `/graphql` over HTTP: reads the body (bounded), runs a plain valid operation directly and hands
 * every other request to Apollo.
 */
export function graphqlHttpHandler<Ctx extends object>(
  options: GraphQLHttpOptions<Ctx>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { apollo, metrics, httpContext } = options;
  const contextOf = async (req: IncomingMessage): Promise<Ctx> => {
    try {
      const context = await httpContext(req);
      bindContextToRequest(context, req);
      return context;
    } catch (error) {
      const refused = contextCreationError(error);
      tagWithCorrelationId(refused, correlationIdOf(req));
      throw refused;
    }
  };
  return async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    let body: unknown;
    if (method === 'POST') {
      const read = await readBody(req, MAX_BODY_BYTES);
      if (read.kind === 'too-large') {
        metrics.countOperation('http', 'BAD_USER_INPUT');
        refuseTooLarge(req, res);
        return;
      }
      const parsed = parseBody(req.headers['content-type'], read.text);
      if (!parsed.ok) {
        metrics.countOperation('http', 'BAD_USER_INPUT');
        sendJson(
          res,
          400,
          errorDocument('BAD_USER_INPUT', 'Request body is not valid JSON', { reason: 'BAD_REQUEST' }),
        );
        return;
      }
      body = parsed.body;
    }
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const search = query === -1 ? '' : url.slice(query);
    const text = queryTextOf(body, search);
    const tooMany = text === undefined ? null : tooManySelectionsInText(text, options.maxSelections);
    if (tooMany) {
      metrics.countOperation('http', 'BAD_USER_INPUT');
      sendJson(res, 400, errorDocument(tooMany.code, tooMany.message, tooMany.extensions));
      return;
    }
    let contextOnce: Promise<Ctx> | undefined;
    const context = (): Promise<Ctx> => (contextOnce ??= contextOf(req));
    const direct = method === 'POST' ? options.direct.prepare(body, req.headers) : undefined;
    if (direct) {
      // A context that cannot be made (no valid token, say) is Apollo's to report, as ever.
      const made = await context().catch(() => undefined);
      if (made) {
        await answerDirectly({ ...options, operation: direct, context: made, req, res });
        return;
      }
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method,
        headers: toHeaderMap(req.headers),
        search,
        body,
      },
      context,
    });
    await writeGraphQLResponse(res, response);
  };
}
