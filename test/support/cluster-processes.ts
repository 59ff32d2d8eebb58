import type { ChildProcess } from 'node:child_process';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { allProjections } from '../../projections';
import { issueToken } from '../../src/auth/issue';
import { TEST_SECRET, type GraphQLResponse } from './app-harness';
import { TEST_REDIS_URL } from './redis';
import { startServerProcess } from './server-process';

/** Every projection's lease, as `/readyz` lists the ones a process holds (`projecting`). */
export const LEASES = allProjections.map((projection) => `projection:${projection.name}`);

export interface Readiness {
  ready?: boolean;
  projecting?: string[];
}

/** A server running as a child process (`src/app/main.ts`), as a client sees it. */
export interface ServerChild {
  child: ChildProcess;
  /** http://host:port/graphql */
  url: string;
  /** http://host:port */
  base: string;
  gql<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  wsClient(token: string): Client;
  /** `/readyz`'s body; empty when the process does not answer. */
  readyz(): Promise<Readiness>;
}

/** A token the test servers accept (they all sign with TEST_SECRET). */
export const testToken = (sub: string, roles?: string[]): Promise<string> =>
  issueToken(TEST_SECRET, { sub, email: `${sub}@example.com`, name: sub, roles });

/**
 * Server processes on one DATA_DIR (one SQLite event store) and one Redis key prefix, as
 * several processes on one host run. `close()` kills every one still running.
 */
export class ServerProcesses {
  private readonly started: ServerChild[] = [];
  private readonly clients: Client[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly prefix: string,
  ) {}

  /** The environment every process of this cluster starts with (before `env`). */
  environment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATA_DIR: this.dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_JWT_SECRET: TEST_SECRET,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: this.prefix,
      ROLE: 'all',
      ...env,
    };
  }

  async start(env: Record<string, string> = {}): Promise<ServerChild> {
    const { child, url: listening } = startServerProcess(this.environment(env));
    const url = await listening;
    const base = url.replace(/\/graphql$/, '');
    const server: ServerChild = {
      child,
      url,
      base,
      gql: async (token, query, variables = {}) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
        return { status: response.status, ...body } as GraphQLResponse<never>;
      },
      wsClient: (token) => {
        const client = createClient({
          url: url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: true,
          connectionParams: { authorization: `Bearer ${token}` },
        });
        this.clients.push(client);
        return client;
      },
      readyz: async () => {
        try {
          return (await (await fetch(`${base}/readyz`)).json()) as Readiness;
        } catch {
          return {};
        }
      },
    };
    this.started.push(server);
    return server;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.dispose()));
    for (const { child } of this.started) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
