import { createClient, type Client } from 'graphql-ws';
import pino, { type Logger } from 'pino';
import WebSocket from 'ws';
import { startApp, type RunningApp } from '../../src/app/app';
import { loadConfig, type Config } from '../../src/app/config';
import { issueToken } from '../../src/auth/issue';
import type { StoredEvent } from '../../src/eventstore/port';
import { openEventStore } from '../../src/app/event-store';
import { tempDir } from './temp';
import { testEventStoreEnv } from './test-event-store';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

/** The real server on a temp DATA_DIR and a free port, as a client sees it. */
export interface TestApp {
  app: RunningApp;
  config: Config;
  url: string;
  wsUrl: string;
  token(userId: string, extra?: { email?: string; name?: string; roles?: string[] }): Promise<string>;
  gql<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Signs the user in (registering the profile) and returns their token. */
  signIn(userId: string, extra?: { email?: string; name?: string; roles?: string[] }): Promise<string>;
  wsClient(token: string | null, params?: Record<string, unknown>): Client;
  /** Every event in the log (read through a second connection to the app's store). */
  allEvents(): Promise<StoredEvent[]>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Run on this DATA_DIR (e.g. a stopped app's `config.dataDir`, to restart on its event log).
   * The folder is then the caller's: `stop()` leaves it in place.
   */
  dataDir?: string;
  /** The app's logger (silent by default). */
  logger?: Logger;
}

export async function startTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const temp =
    options.dataDir === undefined
      ? tempDir('saas-app-')
      : { dir: options.dataDir, remove: (): void => undefined };
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: temp.dir,
    AUTH_JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    ...(await testEventStoreEnv(temp.dir, env)),
    ...env,
  });
  const app = await startApp(config, { logger: options.logger ?? pino({ level: 'silent' }) });
  const url = app.url;
  const wsUrl = url.replace(/^http/, 'ws');
  const clients: Client[] = [];
  const token = (userId: string, extra: { email?: string; name?: string; roles?: string[] } = {}) =>
    issueToken(TEST_SECRET, {
      sub: userId,
      email: extra.email ?? `${userId}@example.com`,
      name: extra.name ?? userId,
      roles: extra.roles,
    });
  const gql: TestApp['gql'] = async (bearer, query, variables, headers = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
    return { status: response.status, ...body } as GraphQLResponse<never>;
  };
  return {
    app,
    config,
    url,
    wsUrl,
    token,
    gql,
    async signIn(userId, extra) {
      const bearer = await token(userId, extra);
      const response = await gql(bearer, '{ me { userId } }');
      if (response.errors) throw new Error(`sign-in failed: ${JSON.stringify(response.errors)}`);
      return bearer;
    },
    wsClient(bearer, params = {}) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...params },
      });
      clients.push(client);
      return client;
    },
    async allEvents() {
      const store = openEventStore(config);
      try {
        return await store.readAll({ maxCount: 1_000_000 });
      } finally {
        await store.close();
      }
    },
    async stop() {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.close();
      temp.remove();
    },
  };
}

export const codeOf = (response: GraphQLResponse<unknown>): unknown => response.errors?.[0]?.extensions?.code;
