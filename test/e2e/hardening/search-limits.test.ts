import { startTestApp, codeOf, type TestApp } from '../../support/app-harness';
import { whileStayingResponsive } from '../../support/responsiveness';
import { USERS_PAGE, createAccount } from '../accounts-fixtures';
import { createGroupOk } from '../groups-fixtures';

const GROUPS = `query ($id: ID!, $search: String) {
  smartAccount(id: $id) { groups(search: $search) { totalCount nodes { name } } }
}`;

describe('a search takes at most 10 terms of at most 100 characters', () => {
  let t: TestApp;
  let admin: string;
  let accountId: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.signIn('search-admin');
    accountId = (await createAccount(t, admin, 'Search', 'search.example.com')).id;
    for (const name of ['East engineers', 'West engineers']) await createGroupOk(t, admin, accountId, name);
  });
  afterAll(() => t.stop());

  test('40,000 terms are refused on `search`, and the server stays responsive', async () => {
    const response = await whileStayingResponsive(t.url, () =>
      t.gql(admin, GROUPS, { id: accountId, search: 'e '.repeat(40_000) }),
    );
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions?.field).toBe('search');
    expect(response.errors?.[0].message).toMatch(/at most 10 terms/);
  });

  test('a term of 101 characters is refused; one of 100 is searched', async () => {
    const long = await t.gql(admin, USERS_PAGE, { id: accountId, search: 'a'.repeat(101) });
    expect(codeOf(long)).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0].extensions?.field).toBe('search');
    const fits = await t.gql(admin, USERS_PAGE, { id: accountId, search: 'a'.repeat(100) });
    expect(fits.errors).toBeUndefined();
  });

  test('10 terms are searched', async () => {
    const response = await t.gql<{ smartAccount: { groups: { nodes: Array<{ name: string }> } } }>(
      admin,
      GROUPS,
      { id: accountId, search: 'e e e e e e e e e east' },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.smartAccount.groups.nodes).toEqual([{ name: 'East engineers' }]);
  });

  test('searchSmartAccounts has the same bounds', async () => {
    const response = await t.gql(admin, 'query ($q: String!) { searchSmartAccounts(query: $q) { id } }', {
      q: 'x '.repeat(11),
    });
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions?.field).toBe('query');
  });
});
