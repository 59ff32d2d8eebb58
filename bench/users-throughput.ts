import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { issueToken } from '../src/auth/issue';
import { sqliteFile } from '../src/app/event-store';
import { openSqliteEventStore } from '../src/eventstore/sqlite';
import { deleteKeys } from '../test/support/redis';
import { startServerProcess } from '../test/support/server-process';
import { tempDir } from '../test/support/temp';
import { GraphQLClient } from './client';
import { benchPeople, registerProfiles } from './people';
import { formatMs, summarize, thousands } from './stats';
import { BENCH_SECRET } from './secret';

const USERS = 1000;
const CONCURRENCY = 8;
const WARMUP_MS = 2000;
const MEASURE_MS = 8000;
const USERS_PAGE = `query ($id: ID!) {
  smartAccount(id: $id) { users(first: 50) { totalCount nodes { profile { userId name email } } } }
}`;

interface Server {
  child: ChildProcess;
  url: string;
}

/** Requests per second and latencies of CONCURRENCY clients asking for the page, spread over `urls`. */
async function throughput(urls: readonly string[], token: string, accountId: string) {
  const clients = Array.from(
    { length: CONCURRENCY },
    (_, i) => new GraphQLClient(urls[i % urls.length], token),
  );
  const latencies: number[] = [];
  let measuring = false;
  let done = false;
  const loop = async (client: GraphQLClient) => {
    while (!done) {
      const start = performance.now();
      await client.request(USERS_PAGE, { id: accountId });
      if (measuring) latencies.push(performance.now() - start);
    }
  };
  const loops = clients.map(loop);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  measuring = true;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  measuring = false;
  const elapsed = performance.now() - start;
  done = true;
  await Promise.all(loops);
  return { perSecond: (latencies.length / elapsed) * 1000, latency: summarize(latencies) };
}

/**
 * `users(first: 50)` throughput, each server in a process of its own, with in-process read
 * models, with Redis read models behind one process, and behind two (clients spread over both).
 */
export async function measureUsersThroughput(out: (line?: string) => void, secret: string): Promise<void> {
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const data = tempDir('saas-bench-cluster-');
  const prefix = `bench:${randomUUID()}:`;
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const servers: Server[] = [];
  const start = async (env: Record<string, string>): Promise<Server> => {
    const { child, url } = startServerProcess({
      ...process.env,
      DATA_DIR: data.dir,
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_JWT_SECRET: secret,
      NODE_ENV: 'production',
      ...env,
    });
    const server = { child, url: await url };
    servers.push(server);
    return server;
  };
  const stopAll = async () => {
    await Promise.all(
      servers.splice(0).map(
        ({ child }) =>
          new Promise((resolve) => {
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  out(
    `   ${CONCURRENCY} concurrent clients for ${MEASURE_MS / 1000} s (after ${WARMUP_MS / 1000} s warm-up) on an account ` +
      `with ${thousands(USERS)} users; each server a process of its own (ROLE all, the second ROLE api)`,
  );
  try {
    const people = benchPeople(USERS);
    const store = openSqliteEventStore({ file: sqliteFile(data.dir) });
    await registerProfiles(store, people);
    await store.close();
    const token = await issueToken(secret, {
      sub: 'bench-admin',
      email: 'admin@bench.example',
      name: 'Admin',
    });

    const alone = await start({});
    const admin = new GraphQLClient(alone.url, token);
    const { createSmartAccount } = await admin.request<{ createSmartAccount: { id: string } }>(
      'mutation ($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }',
      { input: { name: 'Throughput', domainIdentifier: 'throughput.bench.example' } },
    );
    const accountId = createSmartAccount.id;
    await admin.request('mutation ($input: AddUsersInput!) { addUsers(input: $input) { addedCount } }', {
      input: { accountId, users: people.map((p) => p.userId), roles: [{ role: 'SMART_ACCOUNT_USER' }] },
    });
    const rows: Array<[string, Awaited<ReturnType<typeof throughput>>]> = [];
    rows.push(['in-process read models, one process', await throughput([alone.url], token, accountId)]);
    await stopAll();

    try {
      await redis.connect();
    } catch {
      out(`   Redis at ${redisUrl} is not reachable: the Redis figures are skipped`);
    }
    if (redis.status === 'ready') {
      const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix };
      const first = await start(env);
      rows.push(['Redis read models, one process', await throughput([first.url], token, accountId)]);
      const second = await start({ ...env, ROLE: 'api' });
      rows.push([
        'Redis read models, two processes',
        await throughput([first.url, second.url], token, accountId),
      ]);
    }
    for (const [label, { perSecond, latency }] of rows) {
      out(
        `   ${label.padEnd(38)} ${thousands(Math.round(perSecond)).padStart(6)} requests/s   ` +
          `median ${formatMs(latency.median)}, p95 ${formatMs(latency.p95)} (${thousands(latency.runs)} requests)`,
      );
    }
  } finally {
    await stopAll();
    if (redis.status === 'ready') await deleteKeys(redis, prefix);
    redis.disconnect();
    data.remove();
  }
}

if (require.main === module) {
  // `node -r ts-node/register/transpile-only bench/users-throughput.ts`: this section alone.
  measureUsersThroughput((line = '') => process.stdout.write(`${line}\n`), BENCH_SECRET).catch(
    (error: unknown) => {
      process.stderr.write(`bench failed: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
