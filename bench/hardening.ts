import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getOperationAST, parse } from 'graphql';
import pino from 'pino';
import WebSocket from 'ws';
import { startApp, type RunningApp } from '../src/app/app';
import { openEventStore } from '../src/app/event-store';
import { issueToken } from '../src/auth/issue';
import { buildGraphQLSchema } from '../src/graphql/schema';
import { fragmentsOf } from '../src/server/document-limits-plugin';
import { operationCost } from '../src/server/query-cost';
import { GraphQLClient } from './client';
import { benchPeople, registerProfiles } from './people';
import { formatMs, sample, summarize, table, thousands } from './stats';
import { benchConfig } from './bench-config';
import { BENCH_SECRET } from './secret';

/**
 * The hardening figures: what the cost check adds to the ordinary users page, and the memory of idle
 * subscriptions. Runs its own server (embedded SQLite, temp DATA_DIR) in this process.
 */

const ACCOUNT_USERS = 1000;
const PAGE_RUNS = 300;
const COST_CALLS = 20_000;
const SOCKETS = 100;
const SUBSCRIPTIONS_PER_SOCKET = 100;
const USERS_PER_SOCKET_GROUP = 5; // 5 sockets × 100 = one user's 500

const USERS_PAGE = `query($id: ID!) {
  smartAccount(id: $id) {
    users(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { profile { userId name email } directRoles { role } } }
  }
}`;

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settledMemory(gc: () => void): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A raw graphql-ws socket, signed in (connection_ack received). */
async function openSocket(wsUrl: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    });
    socket.once('message', (data: Buffer) => {
      const type = (JSON.parse(data.toString()) as { type: string }).type;
      if (type === 'connection_ack') resolve();
      else reject(new Error(`expected connection_ack, got ${type}`));
    });
  });
  return socket;
}

/** Sends the subscriptions, then a query; once it answers, every subscription before it was started. */
async function subscribeIdle(socket: WebSocket, count: number): Promise<void> {
  const refused: string[] = [];
  const answered = new Promise<void>((resolve) => {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: string; type: string };
      if (message.type === 'error') refused.push(message.id ?? '?');
      if (message.id === 'probe' && message.type === 'complete') resolve();
    });
  });
  for (let i = 0; i < count; i++) {
    const payload = { query: 'subscription { myAccessRequestsUpdated { id status } }' };
    socket.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload }));
  }
  socket.send(JSON.stringify({ id: 'probe', type: 'subscribe', payload: { query: '{ me { userId } }' } }));
  await answered;
  if (refused.length > 0) throw new Error(`${refused.length} subscriptions refused`);
}

async function costCheckOverhead(app: RunningApp, out: (line?: string) => void): Promise<void> {
  const people = benchPeople(ACCOUNT_USERS);
  const adminToken = await issueToken(BENCH_SECRET, {
    sub: 'bench-admin',
    email: 'admin@bench.example',
    name: 'Admin',
  });
  const client = new GraphQLClient(app.url, adminToken);
  const { createSmartAccount } = await client.request<{ createSmartAccount: { id: string } }>(
    'mutation($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }',
    { input: { name: 'Cost bench', domainIdentifier: 'cost.bench.example' } },
  );
  await client.request('mutation($input: AddUsersInput!) { addUsers(input: $input) { addedCount } }', {
    input: {
      accountId: createSmartAccount.id,
      users: people.map((person) => person.userId),
      roles: [{ role: 'SMART_ACCOUNT_USER' }],
      notify: false,
    },
  });
  const variables = { id: createSmartAccount.id };
  const roundTrips = summarize(await sample(PAGE_RUNS, () => client.request(USERS_PAGE, variables), 30));

  const schema = buildGraphQLSchema();
  const document = parse(USERS_PAGE);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  let cost = 0;
  const start = performance.now();
  for (let i = 0; i < COST_CALLS; i++)
    cost = operationCost(schema, fragmentsOf(document.definitions), operation, variables);
  const perCallMs = (performance.now() - start) / COST_CALLS;

  out(
    `9. The cost check on the ordinary users page (first: 50, cost ${thousands(cost)}) of an account with ${thousands(ACCOUNT_USERS)} users`,
  );
  out(table([{ label: 'users page round trip over HTTP', summary: roundTrips }], { p95: true }));
  out(
    `    the check itself: ${(perCallMs * 1000).toFixed(1)} µs per operation (mean of ${thousands(COST_CALLS)} calls) = ` +
      `${((perCallMs / roundTrips.median) * 100).toFixed(2)} % of the median round trip, ` +
      `${((perCallMs / roundTrips.min) * 100).toFixed(2)} % of the fastest`,
  );
}

async function idleSubscriptionMemory(app: RunningApp, out: (line?: string) => void): Promise<void> {
  const gc = collectGarbage();
  const wsUrl = app.url.replace(/^http/, 'ws');
  const users = SOCKETS / USERS_PER_SOCKET_GROUP;
  const tokens = await Promise.all(
    Array.from({ length: users }, (_, i) =>
      issueToken(BENCH_SECRET, { sub: `idle-${i}`, email: `idle-${i}@bench.example`, name: `Idle ${i}` }),
    ),
  );
  const before = await settledMemory(gc);
  const sockets: WebSocket[] = [];
  for (let i = 0; i < SOCKETS; i++) sockets.push(await openSocket(wsUrl, tokens[i % users]));
  const connected = await settledMemory(gc);
  const started = performance.now();
  for (const socket of sockets) await subscribeIdle(socket, SUBSCRIPTIONS_PER_SOCKET);
  const subscribeMs = performance.now() - started;
  const subscribed = await settledMemory(gc);
  const total = SOCKETS * SUBSCRIPTIONS_PER_SOCKET;
  out(
    `10. ${thousands(total)} idle subscriptions (myAccessRequestsUpdated) on ${SOCKETS} sockets of ${users} users`,
  );
  out(
    `    ${SOCKETS} signed-in sockets: heap +${mb(connected.heap - before.heap)}, RSS +${mb(connected.rss - before.rss)}`,
  );
  out(
    `    ${thousands(total)} subscriptions on them (started in ${formatMs(subscribeMs)}): heap +${mb(subscribed.heap - connected.heap)}, ` +
      `RSS +${mb(subscribed.rss - connected.rss)}, ${thousands(Math.round((subscribed.heap - connected.heap) / total))} bytes of heap each`,
  );
  out(
    `    all together over the idle server: heap +${mb(subscribed.heap - before.heap)}, RSS +${mb(subscribed.rss - before.rss)} (client sockets included)`,
  );
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.close();
        }),
    ),
  );
}

export async function measureHardening(out: (line?: string) => void): Promise<void> {
  const { dataDir, config } = benchConfig('saas-bench-hardening-');
  try {
    const setup = openEventStore(config);
    await registerProfiles(setup, benchPeople(ACCOUNT_USERS));
    await setup.close();
    const app = await startApp(config, { logger: pino({ level: 'silent' }) });
    try {
      await costCheckOverhead(app, out);
      out();
      await idleSubscriptionMemory(app, out);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
