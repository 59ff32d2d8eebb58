import type { ChildProcess } from 'node:child_process';
import { allProjections } from '../../projections';
import { issueToken } from '../../src/auth/issue';
import { RedisReadModelStore } from '../../src/readmodel/redis';
import { TEST_SECRET } from '../support/app-harness';
import { rebuildFromLog } from '../support/read-model-rebuild';
import { TEST_REDIS_URL, testRedis } from '../support/redis';
import { startServerProcess } from '../support/server-process';
import { tempDir, waitUntil } from '../support/temp';

const USERS = 30;
/** Added at once, with the projector killed while they are in flight. */
const IN_FLIGHT = 5;
const KILL_AFTER = 10;
const LEASES = allProjections.map((projection) => `projection:${projection.name}`);

interface Server {
  child: ChildProcess;
  url: string;
}

async function gql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
}

async function readyz(server: Server): Promise<{ ready?: boolean; projecting?: string[] }> {
  try {
    return (await (await fetch(server.url.replace(/\/graphql$/, '/readyz'))).json()) as {
      projecting?: string[];
    };
  } catch {
    return {};
  }
}

describe('the projector process killed mid-stream (kill -9)', () => {
  const redis = testRedis();
  const prefix = redis.prefix();
  const data = tempDir('saas-takeover-');
  const servers: Server[] = [];

  async function start(): Promise<Server> {
    const { child, url } = startServerProcess({
      ...process.env,
      DATA_DIR: data.dir,
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_JWT_SECRET: TEST_SECRET,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      ROLE: 'all',
    });
    const server = { child, url: await url };
    servers.push(server);
    return server;
  }

  afterAll(async () => {
    for (const { child } of servers) if (child.exitCode === null) child.kill('SIGKILL');
    await redis.cleanup();
    data.remove();
  });

  test('the other process takes over from the checkpoint; its read models then equal a rebuild', async () => {
    const holder = await start();
    const other = await start();
    expect((await readyz(holder)).projecting).toEqual(LEASES);
    expect((await readyz(other)).projecting).toEqual([]);

    const token = (sub: string) => issueToken(TEST_SECRET, { sub, email: `${sub}@example.com`, name: sub });
    const admin = await token('admin');
    const userIds = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    for (const userId of userIds) await gql(other.url, await token(userId), '{ me { userId } }');
    const created = await gql<{ createSmartAccount: { id: string } }>(
      other.url,
      admin,
      'mutation ($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }',
      { input: { name: 'Takeover', domainIdentifier: 'takeover.example' } },
    );
    const accountId = created.data?.createSmartAccount.id as string;

    const acknowledged: string[] = [];
    const add = async (i: number) => {
      const added = await gql(other.url, admin, ADD_USERS, {
        input: { accountId, users: [userIds[i]], roles: [{ role: 'SMART_ACCOUNT_VIEWER' }] },
      });
      if (!added.errors) acknowledged.push(userIds[i]);
    };
    for (let i = 0; i < KILL_AFTER; i++) await add(i);
    const inFlight = Array.from({ length: IN_FLIGHT }, (_, k) => add(KILL_AFTER + k));
    holder.child.kill('SIGKILL');
    await Promise.all(inFlight);
    for (let i = KILL_AFTER + IN_FLIGHT; i < USERS; i++) await add(i);
    await waitUntil(async () => (await readyz(other)).ready === true, 30_000);
    expect((await readyz(other)).projecting).toEqual(LEASES);

    const listed = await gql<{ smartAccount: { users: { nodes: Array<{ profile: { userId: string } }> } } }>(
      other.url,
      admin,
      'query ($id: ID!) { smartAccount(id: $id) { users(first: 100) { nodes { profile { userId } } } } }',
      { id: accountId },
    );
    const ids = listed.data?.smartAccount.users.nodes.map((node) => node.profile.userId) ?? [];
    for (const userId of acknowledged) expect(ids).toContain(userId);
    expect(acknowledged.length).toBeGreaterThan(KILL_AFTER);

    expect(await new RedisReadModelStore(redis.redis, prefix).dump()).toEqual(await rebuildFromLog(data.dir));
  }, 90_000);
});

const ADD_USERS = `mutation ($input: AddUsersInput!) { addUsers(input: $input) { addedCount } }`;
