import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import pino from 'pino';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { startServer, type ExtraRoute, type RunningServer } from '../../src/server/start';
import { createFixture, type Fixture } from './fixture';

export interface TestServer {
  server: RunningServer;
  fixture: Fixture;
  registry: Registry;
  /** Every log line the server wrote (pino JSON). */
  logs: string[];
  onCloseCalls(): number;
  baseUrl: string;
  wsUrl: string;
}

export async function startTestServer(
  options: { production?: boolean; routes?: ExtraRoute[] } = {},
): Promise<TestServer> {
  const fixture = createFixture();
  const registry = new Registry();
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  let onCloseCalls = 0;
  const server = await startServer({
    schema: fixture.schema,
    host: '127.0.0.1',
    port: 0,
    production: options.production ?? false,
    logger,
    registry,
    httpContext: (req) => fixture.httpContext(req),
    wsContext: (params, req) => fixture.wsContext(params, req),
    callerOf: (context) => context.user,
    routes: options.routes,
    readiness: async () => ({
      ready: fixture.ready,
      details: { projections: fixture.ready ? 'caught up' : 'behind' },
    }),
    onClose: async () => {
      onCloseCalls += 1;
    },
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  return {
    server,
    fixture,
    registry,
    logs,
    onCloseCalls: () => onCloseCalls,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${server.port}/graphql`,
  };
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  body: GraphQLBody;
}

async function toResult(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let body: GraphQLBody = {};
  try {
    body = JSON.parse(text) as GraphQLBody;
  } catch {
    // not JSON: the test looks at `text`
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** POSTs a raw body to /graphql with `Authorization: Bearer good` unless told otherwise. */
export async function postRaw(
  t: TestServer,
  body: string,
  headers: Record<string, string> = {},
  token: string | null = 'good',
): Promise<HttpResult> {
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body,
  });
  return toResult(response);
}

export const postQuery = (
  t: TestServer,
  query: string,
  variables?: Record<string, unknown>,
  token: string | null = 'good',
): Promise<HttpResult> => postRaw(t, JSON.stringify({ query, variables }), {}, token);

export async function get(
  t: TestServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return toResult(await fetch(`${t.baseUrl}${path}`, { headers }));
}

export interface CloseInfo {
  code: number;
  reason: string;
}

const isCloseEvent = (value: unknown): value is CloseInfo =>
  typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number';

export interface TestWsClient {
  client: Client;
  /** Resolves with the first close of the socket. */
  closed: Promise<CloseInfo>;
  connected: Promise<void>;
}

export function wsClient(
  t: TestServer,
  connectionParams: Record<string, unknown> = { authorization: 'Bearer good' },
): TestWsClient {
  let onClosed = (_info: CloseInfo): void => undefined;
  let onConnected = (): void => undefined;
  const closed = new Promise<CloseInfo>((resolve) => (onClosed = resolve));
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: t.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  client.on('connected', () => onConnected());
  client.on('closed', (event) => {
    if (isCloseEvent(event)) onClosed({ code: event.code, reason: String(event.reason) });
  });
  return { client, closed, connected };
}

export interface WsOutcome {
  results: FormattedExecutionResult<Record<string, unknown>, unknown>[];
  /** The error the subscription ended with: an array of GraphQL errors, or a close event. */
  error?: unknown;
}

/** Runs one operation to its end (complete or error). */
export function runWs(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<WsOutcome> {
  const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
  return new Promise((resolve) => {
    client.subscribe(
      { query, variables },
      {
        next: (result) => void results.push(result),
        error: (error: unknown) => resolve({ results, error }),
        complete: () => resolve({ results }),
      },
    );
  });
}

export function graphqlErrorsOf(
  error: unknown,
): Array<{ message: string; extensions?: Record<string, unknown> }> {
  if (!Array.isArray(error)) throw new Error(`expected GraphQL errors, got ${JSON.stringify(error)}`);
  return error as Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Fails (instead of hanging until Jest's timeout) when `promise` takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export const deepQuery = (levels: number): string =>
  `{ deep { ${'next { '.repeat(levels - 2)}level${' }'.repeat(levels - 2)} } }`;
export const aliasesQuery = (count: number): string =>
  `{ ${Array.from({ length: count }, (_v, i) => `a${i}: hello`).join(' ')} }`;
export const directivesQuery = (count: number): string => `{ ${'hello @skip(if: false) '.repeat(count)}}`;
