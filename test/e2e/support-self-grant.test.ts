import { startTestApp, type TestApp } from '../support/app-harness';
import { APPROVE, REQUEST_ACCESS, type RequestView } from './access-fixtures';
import {
  ADD_USERS,
  SET_USER_ROLES,
  accountRole,
  appendedDuring,
  createAccount,
  dataOf,
  errorOf,
  signInAll,
} from './accounts-fixtures';

const CASE = { 'x-support-case': 'CS-1042' };
const SMART_ACCOUNT = 'query ($id: ID!) { smartAccount(id: $id) { id } }';

describe('support under a case cannot give access to itself (over HTTP)', () => {
  let t: TestApp;
  let owner: string;
  let support: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ owner } = await signInAll(t, ['owner', 'zoe']));
    support = await t.signIn('sue', { roles: ['support'] });
  });
  afterAll(() => t.stop());

  test('approving its own request, or adding itself, is FORBIDDEN and appends nothing; it stays a stranger', async () => {
    const account = await createAccount(t, owner, 'Acme', 'support-self.example');
    const request = dataOf(
      await t.gql<{ requestAccess: RequestView }>(support, REQUEST_ACCESS, {
        input: { domainIdentifier: 'support-self.example', reason: 'Checking the case' },
      }),
    ).requestAccess;

    const attempts = await appendedDuring(t, async () => {
      const approved = await t.gql(
        support,
        APPROVE,
        { input: { requestId: request.id, roles: [accountRole('SMART_ACCOUNT_ADMIN')] } },
        CASE,
      );
      expect(errorOf(approved).code).toBe('FORBIDDEN');
      const added = await t.gql(
        support,
        ADD_USERS,
        {
          input: {
            accountId: account.id,
            users: ['zoe', 'sue'],
            roles: [accountRole('SMART_ACCOUNT_ADMIN')],
          },
        },
        CASE,
      );
      expect(errorOf(added).code).toBe('FORBIDDEN');
    });
    expect(attempts).toEqual([]);

    // Without the header support is an ordinary user, who may still not even see the account.
    expect(
      dataOf(await t.gql<{ smartAccount: unknown }>(support, SMART_ACCOUNT, { id: account.id })).smartAccount,
    ).toBeNull();

    // Under the case it still acts as an administrator for everyone else.
    const forZoe = await appendedDuring(t, async () =>
      dataOf(
        await t.gql(
          support,
          ADD_USERS,
          { input: { accountId: account.id, users: ['zoe'], roles: [accountRole('SMART_ACCOUNT_VIEWER')] } },
          CASE,
        ),
      ),
    );
    expect(forZoe.map((event) => [event.type, event.metadata.supportCaseId])).toEqual([
      ['UserAdded', 'CS-1042'],
    ]);
    const promote = await t.gql(
      support,
      SET_USER_ROLES,
      { input: { accountId: account.id, userId: 'zoe', roles: [accountRole('SMART_ACCOUNT_USER')] } },
      CASE,
    );
    expect(promote.errors).toBeUndefined();
  });
});
