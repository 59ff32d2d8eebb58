import { startTestApp, type TestApp } from '../support/app-harness';
import { PrivateRedis } from '../support/private-redis';
import {
  Feed,
  LiveListeners,
  REMIND,
  REQUEST_FIELDS,
  requestAccessOk,
  requestTopic,
  settle,
  type RequestView,
} from '../e2e/access-fixtures';
import { createAccount, dataOf, signInAll } from '../e2e/accounts-fixtures';

const REQUEST_UPDATED = `subscription ($id: ID!) { accessRequestUpdated(id: $id) { ${REQUEST_FIELDS} } }`;
const CHANGES = 100;

describe('live updates across processes when Redis drops the pub/sub connections', () => {
  let redis: PrivateRedis;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    // A reminder is allowed at once: each one is a change to the request.
    const env = { REDIS_URL: redis.url, ACCESS_REMINDER_INTERVAL_SECONDS: '0' };
    a = await startTestApp(env);
    b = await startTestApp({ ...env, ROLE: 'api' }, { dataDir: a.config.dataDir });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await redis?.stop();
  });

  test(`CLIENT KILL TYPE pubsub while ${CHANGES} changes are published: all arrive, in order, once`, async () => {
    const tokens = await signInAll(a, ['admin', 'requester']);
    await createAccount(a, tokens.admin, 'Pub/sub', 'pubsub.example');
    const request = await requestAccessOk(a, tokens.requester, 'pubsub.example');
    const listeners = new LiveListeners(b);
    const feed = new Feed<RequestView>(
      b.wsClient(tokens.requester),
      REQUEST_UPDATED,
      'accessRequestUpdated',
      {
        id: request.id,
      },
    );
    await listeners.until(requestTopic(request.id));

    const killer = redis.client();
    let writing = true;
    let killed = 0;
    const killing = (async () => {
      while (writing) {
        killed += Number(await killer.client('KILL', 'TYPE', 'pubsub'));
        await settle(5);
      }
    })();
    try {
      for (let i = 0; i < CHANGES; i++) dataOf(await a.gql(tokens.requester, REMIND, { id: request.id }));
    } finally {
      writing = false;
      await killing;
      killer.disconnect();
    }
    expect(killed).toBeGreaterThan(0);

    await feed.waitFor(CHANGES, 20_000);
    await settle(300);
    expect(feed.items.map((item) => item.remindersSent)).toEqual(
      Array.from({ length: CHANGES }, (_, i) => i + 1),
    );
    feed.stop();
  });
});
