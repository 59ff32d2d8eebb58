import { startTestApp, type TestApp } from '../support/app-harness';
import { SET_USER_ROLES, USER, accountRole, addUsersOk, createAccount, dataOf } from './accounts-fixtures';

interface UserView {
  smartAccount: { user: { directRoles: Array<{ role: string }> } | null };
}

/** Two servers on one SQLite file, each with its own in-memory read models and caches. */
describe('a query to another process after a mutation’s response sees the mutation', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({}, { dataDir: a.config.dataDir });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  test('roles changed on one server are what the other answers next, every time', async () => {
    const admin = await a.signIn('rw-admin');
    await b.signIn('rw-admin');
    await a.signIn('rw-user');
    const account = await createAccount(a, admin, 'Read your writes', 'rw.example');
    await addUsersOk(a, admin, account.id, ['rw-user'], [accountRole('SMART_ACCOUNT_VIEWER')]);

    const roles = ['SMART_ACCOUNT_USER', 'SMART_ACCOUNT_VIEWER'];
    for (let round = 0; round < 10; round++) {
      // The reader only reads: it has the account cached from the last round.
      const role = roles[round % 2];
      dataOf(
        await a.gql(admin, SET_USER_ROLES, {
          input: { accountId: account.id, userId: 'rw-user', roles: [accountRole(role)] },
        }),
      );
      const read = dataOf(await b.gql<UserView>(admin, USER, { id: account.id, userId: 'rw-user' }));
      expect(read.smartAccount.user?.directRoles.map((r) => r.role)).toEqual([role]);
    }
  }, 60_000);
});
