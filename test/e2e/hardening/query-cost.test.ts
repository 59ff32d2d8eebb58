import { startTestApp, codeOf, type TestApp } from '../../support/app-harness';
import { whileStayingResponsive } from '../../support/responsiveness';
import { wsOutcome } from '../../support/ws-outcome';
import { USERS_PAGE, accountRole, addUsersOk, createAccount, signInAll } from '../accounts-fixtures';
import { createGroupOk } from '../groups-fixtures';

/** The 195-byte document: nested lists multiplying `first`. */
const ATTACK = `query ($id: ID!) { smartAccount(id: $id) { users(first:100){nodes{groups{members(first:100){nodes{groups{members(first:2){nodes{profile{userId}}}}}}}}} } }`;
// smartAccount 1 + users 100 × (nodes 1 + groups 10 × (members 100 × (nodes 1 + groups 10 × (members 2 × (nodes 1 + profile 2)))))
const ATTACK_COST = 1 + 100 * (1 + 1 + 10 * (1 + 100 * (1 + 1 + 10 * (1 + 2 * (1 + 1 + 2)))));

describe('query cost is bounded before execution', () => {
  let t: TestApp;
  let admin: string;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.signIn('cost-admin');
    accountId = (await createAccount(t, admin, 'Cost', 'cost.example.com')).id;
    const userIds = Array.from({ length: 30 }, (_, i) => `cost-user-${i}`);
    await signInAll(t, userIds);
    await addUsersOk(t, admin, accountId, userIds, [accountRole('SMART_ACCOUNT_USER')]);
    for (const name of ['One', 'Two', 'Three']) {
      await createGroupOk(t, admin, accountId, name, { memberUserIds: userIds });
    }
  });
  afterAll(() => t.stop());

  test('the nested-lists attack is refused over HTTP with its cost, and the server stays responsive', async () => {
    const response = await whileStayingResponsive(t.url, () => t.gql(admin, ATTACK, { id: accountId }));
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      cost: ATTACK_COST,
      maxCost: 20_000,
    });
  });

  test('the same attack is refused over WebSocket', async () => {
    const outcome = await whileStayingResponsive(t.url, () =>
      wsOutcome(t.wsClient(admin), ATTACK, { id: accountId }),
    );
    expect(outcome.results).toEqual([]);
    expect(outcome.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      cost: ATTACK_COST,
      maxCost: 20_000,
    });
  });

  test('`first` given in a variable counts', async () => {
    const query = `query ($id: ID!, $n: Int) { smartAccount(id: $id) {
      users(first: $n) { nodes { groups { members(first: $n) { nodes { profile { userId } } } } } } } }`;
    const small = await t.gql(admin, query, { id: accountId, n: 5 });
    expect(small.errors).toBeUndefined();
    const large = await t.gql(admin, query, { id: accountId, n: 100 });
    expect(codeOf(large)).toBe('BAD_USER_INPUT');
    expect(large.errors?.[0].extensions?.cost).toBe(1 + 100 * (1 + 1 + 10 * (1 + 100 * (1 + 1 + 2))));
  });

  test('the ordinary users page runs', async () => {
    const response = await t.gql<{ smartAccount: { users: { totalCount: number } } }>(admin, USERS_PAGE, {
      id: accountId,
      first: 500,
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.smartAccount.users.totalCount).toBe(31);
  });
});

describe('MAX_QUERY_COST changes the bound', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MAX_QUERY_COST: '50' });
  });
  afterAll(() => t.stop());

  test('a users page of the default size (50) is over a bound of 50', async () => {
    const token = await t.signIn('cost-small');
    const response = await t.gql(
      token,
      'query { mySmartAccounts { users { nodes { profile { userId } } } } }',
    );
    expect(response.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      cost: 10 * (1 + 50 * 4),
      maxCost: 50,
    });
  });
});
