import { startTestApp, codeOf, type TestApp } from '../support/app-harness';
import { TEST_REDIS_URL, testRedis } from '../support/redis';
import {
  Feed,
  LiveListeners,
  REQUEST_FIELDS,
  approve,
  requestAccessOk,
  requestTopic,
  type RequestView,
} from '../e2e/access-fixtures';
import {
  accountRole,
  addUsersOk,
  createAccount,
  dataOf,
  signInAll,
  usersPage,
} from '../e2e/accounts-fixtures';

const REQUEST_UPDATED = `subscription ($id: ID!) { accessRequestUpdated(id: $id) { ${REQUEST_FIELDS} } }`;
const ROUNDS = 100;

/**
 * Two servers on one event store (one SQLite file) and one Redis, as two processes on one host
 * would run: `a` also runs the projections, `b` only serves (ROLE=api).
 */
describe('two server processes on one event store and one Redis', () => {
  const redis = testRedis();
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: redis.prefix() };
    a = await startTestApp(env);
    b = await startTestApp({ ...env, ROLE: 'api' }, { dataDir: a.config.dataDir });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis.cleanup();
  });

  test(`a mutation answered by one is seen by the very next query to the other (${ROUNDS} times each way)`, async () => {
    const userIds = Array.from({ length: ROUNDS }, (_, i) => `ryw-${i}`);
    const tokens = await signInAll(a, ['ryw-admin', ...userIds]);
    const account = await createAccount(a, tokens['ryw-admin'], 'Read your writes', 'ryw.example');
    for (let i = 0; i < ROUNDS; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
      await addUsersOk(
        writer,
        tokens['ryw-admin'],
        account.id,
        [userIds[i]],
        [accountRole('SMART_ACCOUNT_VIEWER')],
      );
      const page = await usersPage(reader, tokens['ryw-admin'], account.id, { search: userIds[i], first: 1 });
      // The admin plus everyone added so far; the one just added is found.
      expect(page.nodes.map((node) => node.profile.userId)).toEqual([userIds[i]]);
      expect((await usersPage(reader, tokens['ryw-admin'], account.id, { first: 1 })).totalCount).toBe(i + 2);
    }
  });

  test('a subscriber on one receives a change made through the other', async () => {
    const tokens = await signInAll(a, ['sub-admin', 'sub-requester']);
    await createAccount(a, tokens['sub-admin'], 'Subscriptions', 'sub.example');
    const request = await requestAccessOk(a, tokens['sub-requester'], 'sub.example');
    const listeners = new LiveListeners(b);
    const feed = new Feed<RequestView>(
      b.wsClient(tokens['sub-requester']),
      REQUEST_UPDATED,
      'accessRequestUpdated',
      {
        id: request.id,
      },
    );
    await listeners.until(requestTopic(request.id));

    dataOf(await approve(a, tokens['sub-admin'], request.id, [accountRole('SMART_ACCOUNT_VIEWER')]));
    const [update] = await feed.waitFor(1, 5000);
    expect(update).toMatchObject({ id: request.id, status: 'APPROVED', decidedBy: 'sub-admin' });
    feed.stop();
  });

  test('the hourly cap on access requests counts across both', async () => {
    const tokens = await signInAll(a, ['cap-admin', 'cap-requester']);
    const domains = Array.from({ length: 21 }, (_, i) => `cap-${i}.example`);
    for (const domain of domains) await createAccount(a, tokens['cap-admin'], domain, domain);
    for (let i = 0; i < 20; i++) {
      await requestAccessOk(i % 2 === 0 ? a : b, tokens['cap-requester'], domains[i]);
    }
    for (const server of [a, b]) {
      const refused = await server.gql(tokens['cap-requester'], REQUEST_ACCESS_ID, {
        input: { domainIdentifier: domains[20], reason: 'one more' },
      });
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      expect(refused.errors?.[0].extensions?.retryAfterSeconds).toEqual(expect.any(Number));
    }
  });
});

const REQUEST_ACCESS_ID = `mutation ($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`;
