import { existsSync } from 'node:fs';
import path from 'node:path';
import { startTestApp, type TestApp } from '../support/app-harness';
import { createTestDatabase, describePostgres, type TestDatabase } from '../support/postgres';
import {
  ACCESS_REQUEST,
  Feed,
  LiveListeners,
  REQUEST_FIELDS,
  approve,
  createGroup,
  myRoles,
  requestAccessOk,
  requestTopic,
  type RequestView,
} from './access-fixtures';
import {
  CREATE_ACCOUNT,
  SET_USER_ROLES,
  USER,
  accountRole,
  addUsersOk,
  allUserIds,
  createAccount,
  createVirtualAccount,
  dataOf,
  signInAll,
  vaRole,
} from './accounts-fixtures';

const REQUEST_UPDATED = `subscription ($id: ID!) { accessRequestUpdated(id: $id) { ${REQUEST_FIELDS} } }`;

interface UserView {
  smartAccount: {
    user: { directRoles: Array<{ role: string; virtualAccount: { id: string } | null }> } | null;
  };
}

describePostgres('the API on PostgreSQL (EVENT_STORE=postgres)', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const env = (): Record<string, string> => ({ EVENT_STORE: 'postgres', POSTGRES_URL: database.url });

  beforeAll(async () => {
    database = await createTestDatabase();
    // Two server processes' worth of app on one database (each with its own DATA_DIR).
    a = await startTestApp(env());
    b = await startTestApp(env());
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  test('accounts, users, groups and an approved access request, with its live update', async () => {
    const tokens = await signInAll(a, ['alice', 'bob', 'carol', 'dave']);
    const account = await createAccount(a, tokens.alice, 'Acme on PostgreSQL', 'pg-flow.example');
    const labVa = await createVirtualAccount(a, tokens.alice, account.id, 'Lab');
    await addUsersOk(a, tokens.alice, account.id, ['bob', 'carol'], [accountRole('SMART_ACCOUNT_VIEWER')]);
    const groupId = await createGroup(a, tokens.alice, {
      accountId: account.id,
      name: 'Lab users',
      memberUserIds: ['carol'],
      virtualAccountAccess: [{ virtualAccountId: labVa, role: 'VIRTUAL_ACCOUNT_USER' }],
    });
    expect(await allUserIds(a, tokens.alice, account.id)).toEqual(['alice', 'bob', 'carol']);
    expect(await myRoles(a, tokens.carol, account.id)).toContainEqual({
      role: 'VIRTUAL_ACCOUNT_USER',
      virtualAccount: { id: labVa },
      viaGroup: expect.objectContaining({ id: groupId }) as unknown,
    });

    const request = await requestAccessOk(a, tokens.dave, 'pg-flow.example');
    const listeners = new LiveListeners(a);
    const feed = new Feed<RequestView>(a.wsClient(tokens.dave), REQUEST_UPDATED, 'accessRequestUpdated', {
      id: request.id,
    });
    await listeners.until(requestTopic(request.id));
    dataOf(await approve(a, tokens.alice, request.id, [vaRole('VIRTUAL_ACCOUNT_USER', labVa)]));
    const [update] = await feed.waitFor(1);
    expect(update).toMatchObject({ id: request.id, status: 'APPROVED', decidedBy: 'alice' });
    feed.stop();
    expect(await myRoles(a, tokens.dave, account.id)).toEqual([
      { role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: labVa }, viaGroup: null },
    ]);

    // The events are in PostgreSQL, not in an embedded file.
    expect(existsSync(path.join(a.config.dataDir, 'events.sqlite'))).toBe(false);
    const [{ count }] = await database.query<{ count: string }>(
      'SELECT count(*)::text AS count FROM events WHERE stream_id = $1',
      [`account-${account.id}`],
    );
    expect(Number(count)).toBeGreaterThan(5);
  });

  test('two processes on one database: what one changes, the next query through the other sees', async () => {
    const tokensA = await signInAll(a, ['erin', 'frank']);
    const tokensB = await signInAll(b, ['erin', 'frank']);
    const account = await createAccount(a, tokensA.erin, 'Shared', 'pg-two.example');

    for (let round = 0; round < 5; round++) {
      const [writer, reader, tokens] = round % 2 === 0 ? [a, b, tokensA] : [b, a, tokensB];
      if (round === 0) {
        await addUsersOk(writer, tokens.erin, account.id, ['frank'], [accountRole('SMART_ACCOUNT_VIEWER')]);
      } else {
        const roles =
          round % 4 === 1
            ? [accountRole('SMART_ACCOUNT_ADMIN')]
            : [vaRole('VIRTUAL_ACCOUNT_USER', account.defaultVaId)];
        dataOf(
          await writer.gql(tokens.erin, SET_USER_ROLES, {
            input: { accountId: account.id, userId: 'frank', roles },
          }),
        );
      }
      const seen = dataOf(await reader.gql<UserView>(tokensA.erin, USER, { id: account.id, userId: 'frank' }))
        .smartAccount.user;
      const expected =
        round === 0
          ? [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null }]
          : round % 4 === 1
            ? [{ role: 'SMART_ACCOUNT_ADMIN', virtualAccount: null }]
            : [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: account.defaultVaId } }];
      expect(seen?.directRoles).toEqual(expected);
    }
  });

  test('a subscriber on one process gets the decision taken through the other', async () => {
    const tokens = await signInAll(a, ['gina', 'hank']);
    const account = await createAccount(a, tokens.gina, 'Across', 'pg-across.example');
    const request = await requestAccessOk(a, tokens.hank, 'pg-across.example');

    const listeners = new LiveListeners(b);
    const feed = new Feed<RequestView>(b.wsClient(tokens.hank), REQUEST_UPDATED, 'accessRequestUpdated', {
      id: request.id,
    });
    await listeners.until(requestTopic(request.id));
    dataOf(await approve(a, tokens.gina, request.id, [accountRole('SMART_ACCOUNT_VIEWER')]));

    const [update] = await feed.waitFor(1);
    expect(update).toMatchObject({ id: request.id, status: 'APPROVED', accountId: account.id });
    feed.stop();
    const onB = dataOf(
      await b.gql<{ accessRequest: RequestView }>(tokens.hank, ACCESS_REQUEST, { id: request.id }),
    );
    expect(onB.accessRequest.status).toBe('APPROVED');
  });

  test('a new process on the database replays it: same answers', async () => {
    const tokens = await signInAll(a, ['ivan']);
    const account = await createAccount(a, tokens.ivan, 'Replayed', 'pg-replay.example');
    await createVirtualAccount(a, tokens.ivan, account.id, 'Later');

    const c = await startTestApp(env());
    try {
      const query = 'query ($id: ID!) { smartAccount(id: $id) { name virtualAccounts { name } } }';
      expect(dataOf(await c.gql(await c.token('ivan'), query, { id: account.id }))).toEqual(
        dataOf(await a.gql(tokens.ivan, query, { id: account.id })),
      );
    } finally {
      await c.stop();
    }
  });

  test('the database gone: a request answers INTERNAL_SERVER_ERROR, naming nothing of PostgreSQL', async () => {
    const doomed = await createTestDatabase();
    const c = await startTestApp({ EVENT_STORE: 'postgres', POSTGRES_URL: doomed.url });
    try {
      const token = await c.signIn('judy');
      await doomed.drop();
      const response = await c.gql(token, CREATE_ACCOUNT, {
        input: { name: 'Nowhere', domainIdentifier: 'pg-gone.example' },
      });
      expect(response.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR' }) as unknown,
        }),
      ]);
      expect(JSON.stringify(response)).not.toMatch(/saas_test|database|postgres|stack/i);
    } finally {
      await c.stop();
      await doomed.drop();
    }
  });
});
