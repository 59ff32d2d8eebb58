import { startTestApp, codeOf, type TestApp } from '../support/app-harness';
import { PrivateRedis } from '../support/private-redis';
import { rebuildFromLog } from '../support/read-model-rebuild';
import { waitUntil } from '../support/temp';
import { RedisReadModelStore } from '../../src/readmodel/redis';
import { accountRole, addUsers, allUserIds, createAccount, signInAll } from '../e2e/accounts-fixtures';

const USERS = 60;

const readyz = async (t: TestApp): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(t.url.replace(/\/graphql$/, '/readyz'));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('Redis stopped and started again under load', () => {
  let redis: PrivateRedis;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    a = await startTestApp({ REDIS_URL: redis.url });
    b = await startTestApp({ REDIS_URL: redis.url, ROLE: 'api' }, { dataDir: a.config.dataDir });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  test('writes are refused while it is down, none acknowledged is lost, and the read models equal a rebuild', async () => {
    const userIds = Array.from({ length: USERS }, (_, i) => `load-${i}`);
    const tokens = await signInAll(a, ['admin', ...userIds]);
    const account = await createAccount(a, tokens.admin, 'Outage', 'outage.example');
    const acknowledged: string[] = [];
    const add = async (i: number) => {
      const response = await addUsers(i % 2 === 0 ? a : b, tokens.admin, {
        accountId: account.id,
        users: [userIds[i]],
        roles: [accountRole('SMART_ACCOUNT_VIEWER')],
      });
      if (!response.errors) acknowledged.push(userIds[i]);
      return response;
    };

    for (let i = 0; i < 20; i++) await add(i);
    const writes = Promise.all([20, 21, 22, 23].map(add)); // in flight while Redis goes away
    await redis.pause();
    await writes;

    // Down: both say so, and refuse writes with a clear error, appending nothing.
    for (const server of [a, b]) {
      await waitUntil(async () => (await readyz(server)).status === 503, 10_000);
      expect((await readyz(server)).body).toMatchObject({ ready: false, redis: 'unreachable' });
      const before = (await a.allEvents()).length;
      const refused = await add(server === a ? 24 : 25);
      expect(codeOf(refused)).toBe('INTERNAL_SERVER_ERROR');
      expect(refused.errors?.[0].message).toMatch(/cannot reach its shared store.*nothing was changed/);
      expect((await a.allEvents()).length).toBe(before);
    }

    // Back: both recover by themselves.
    await redis.resume();
    for (const server of [a, b]) await waitUntil(async () => (await readyz(server)).status === 200, 30_000);
    for (let i = 26; i < USERS; i++) {
      const response = await add(i);
      expect(response.errors).toBeUndefined();
    }

    const listed = await allUserIds(b, tokens.admin, account.id, { first: 100 });
    for (const userId of acknowledged) expect(listed).toContain(userId);
    expect(acknowledged.length).toBeGreaterThanOrEqual(USERS - 6);

    const client = redis.client();
    try {
      expect(await new RedisReadModelStore(client, a.config.redisKeyPrefix).dump()).toEqual(
        await rebuildFromLog(a.config.dataDir),
      );
    } finally {
      client.disconnect();
    }
  });
});
