import type { ChildProcess } from 'node:child_process';
import { issueToken } from '../../src/auth/issue';
import { SENDER_LEASE_NAME, redisOutboxCounts } from '../../src/email/redis-outbox';
import { TEST_SECRET } from '../support/app-harness';
import { createTestDatabase, describePostgres, type TestDatabase } from '../support/postgres';
import { TEST_REDIS_URL, testRedis } from '../support/redis';
import { startServerProcess } from '../support/server-process';
import { SmtpTestServer } from '../support/smtp-test-server';
import { tempDir, waitUntil } from '../support/temp';

/** Long enough after the last expected message for a duplicate to have arrived too. */
const QUIET_MS = 3000;

interface Server {
  name: string;
  child: ChildProcess;
  url: string;
}

interface GraphQLAnswer<T> {
  data?: T;
  errors?: Array<{ message: string }>;
}

async function gql<T>(server: Server, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as GraphQLAnswer<T>;
  if (answer.errors) throw new Error(`${server.name}: ${JSON.stringify(answer.errors)}`);
  return answer.data as T;
}

const token = (sub: string) => issueToken(TEST_SECRET, { sub, email: `${sub}@example.com`, name: sub });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ready(server: Server): Promise<boolean> {
  try {
    return (await fetch(server.url.replace(/\/graphql$/, '/readyz'))).status === 200;
  } catch {
    return false;
  }
}

/**
 * Two real server processes, each with a DATA_DIR of its own, on one PostgreSQL event store
 * and one Redis, sending through one real SMTP server.
 */
describePostgres('email from two server processes on one event store and one Redis', () => {
  const redis = testRedis();
  const prefix = redis.prefix();
  const smtp = new SmtpTestServer();
  const dirs = [tempDir('saas-mail-a-'), tempDir('saas-mail-b-')];
  const servers: Server[] = [];
  let database: TestDatabase;
  let admin: string;
  let accountId: string;

  beforeAll(async () => {
    await smtp.start();
    database = await createTestDatabase();
    for (const [i, name] of ['a', 'b'].entries()) {
      const { child, url } = startServerProcess({
        ...process.env,
        DATA_DIR: dirs[i].dir,
        PORT: '0',
        LOG_LEVEL: 'info',
        AUTH_JWT_SECRET: TEST_SECRET,
        EVENT_STORE: 'postgres',
        POSTGRES_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        SMTP_URL: smtp.url,
        ROLE: 'all',
      });
      servers.push({ name, child, url: await url });
    }
  }, 120_000);

  afterAll(async () => {
    for (const { child } of servers) if (child.exitCode === null) child.kill('SIGKILL');
    await smtp.stop();
    await database?.drop();
    await redis.cleanup();
    for (const dir of dirs) dir.remove();
  });

  /** The process holding the sender lease, by the PID in the lease's owner (`host:pid:…/token`). */
  async function sender(): Promise<Server | undefined> {
    const value = await redis.redis.get(`${prefix}lease:${SENDER_LEASE_NAME}`);
    const pid = Number(value?.split(':')[1]);
    return servers.find((server) => server.child.pid === pid && server.child.exitCode === null);
  }

  async function addUsers(server: Server, userIds: string[]): Promise<void> {
    for (const userId of userIds) await gql(server, await token(userId), '{ me { userId } }');
    const { addUsers: payload } = await gql<{ addUsers: { addedCount: number } }>(server, admin, ADD_USERS, {
      input: { accountId, users: userIds, roles: [{ role: 'SMART_ACCOUNT_VIEWER' }] },
    });
    expect(payload.addedCount).toBe(userIds.length);
  }

  /** Waits for `count` messages in all, then a while longer; answers who received what. */
  async function receivedOnceEach(count: number): Promise<string[]> {
    await waitUntil(() => smtp.received.length >= count, 30_000);
    await sleep(QUIET_MS);
    expect(smtp.received).toHaveLength(count);
    expect(new Set(smtp.received.map((mail) => mail.messageId)).size).toBe(count);
    return smtp.received.flatMap((mail) => mail.recipients).sort();
  }

  test('emails caused through either process are each sent once', async () => {
    const [a, b] = servers;
    admin = await token('admin');
    await gql(a, admin, '{ me { userId } }');
    const created = await gql<{ createSmartAccount: { id: string } }>(a, admin, CREATE_ACCOUNT, {
      input: { name: 'Mail', domainIdentifier: 'mail-two.example' },
    });
    accountId = created.createSmartAccount.id;

    await addUsers(a, ['via-a-1', 'via-a-2', 'via-a-3']);
    await addUsers(b, ['via-b-1', 'via-b-2', 'via-b-3']);
    const requester = await token('requester');
    await gql(b, requester, '{ me { userId } }');
    await gql(b, requester, REQUEST_ACCESS, {
      input: { domainIdentifier: 'mail-two.example', reason: 'Reports' },
    });

    expect(await receivedOnceEach(7)).toEqual(
      ['admin', 'via-a-1', 'via-a-2', 'via-a-3', 'via-b-1', 'via-b-2', 'via-b-3'].map(
        (u) => `${u}@example.com`,
      ),
    );
    expect(smtp.to('admin@example.com')[0].subject).toContain('Mail');
  }, 60_000);

  test('kill -9 of the sending process: the other takes over within seconds, sends what was waiting and later email, once', async () => {
    const holder = await sender();
    expect(holder).toBeDefined();
    const survivor = servers.find((server) => server !== holder) as Server;

    // A message the holder put in the outbox but could not deliver yet (the SMTP server is down).
    await smtp.stop();
    await addUsers(holder as Server, ['before-kill']);
    await waitUntil(async () => (await redisOutboxCounts(redis.redis, prefix)).pending === 1, 10_000);

    const killedAt = Date.now();
    holder?.child.kill('SIGKILL');
    await smtp.start();
    await waitUntil(async () => (await sender()) === survivor, 15_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await waitUntil(() => ready(survivor), 30_000);

    await addUsers(survivor, ['after-kill']);
    const recipients = await receivedOnceEach(9);
    for (const userId of ['before-kill', 'after-kill']) {
      expect(recipients.filter((address) => address === `${userId}@example.com`)).toHaveLength(1);
    }
    expect(await redisOutboxCounts(redis.redis, prefix)).toEqual({ pending: 0, dead: 0 });
  }, 90_000);
});

const CREATE_ACCOUNT = `mutation ($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }`;
const ADD_USERS = `mutation ($input: AddUsersInput!) { addUsers(input: $input) { addedCount } }`;
const REQUEST_ACCESS = `mutation ($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`;
