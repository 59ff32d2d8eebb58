import { startTestApp, type TestApp } from '../support/app-harness';
import {
  addUsers,
  addUsersOk,
  appendedDuring,
  createAccount,
  createVirtualAccount,
  dataOf,
  errorOf,
  signInAll,
  vaRole,
} from './accounts-fixtures';
import { DELETE_GROUP, EDIT_MEMBERS, SET_ACCESS, access, createGroupOk } from './groups-fixtures';

/**
 * The key scenario: VIRTUAL_ACCOUNT_ADMIN held only through a group lets its holder
 * manage users of that Virtual Account, and the very next request after the group stops
 * carrying it is FORBIDDEN, with nothing appended.
 */
describe('VIRTUAL_ACCOUNT_ADMIN through a group, over HTTP', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let scenarios = 0;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['owner', 'delegate', 'bystander']);
  });
  afterAll(() => t.stop());

  /**
   * A fresh account: `delegate` holds only VIRTUAL_ACCOUNT_VIEWER on the Default VA directly and
   * VIRTUAL_ACCOUNT_ADMIN on the `Projects` VA only through the group `Project Admins`.
   */
  async function scenario() {
    scenarios += 1;
    const account = await createAccount(
      t,
      tokens.owner,
      `Delegation ${scenarios}`,
      `delegation-${scenarios}.example`,
    );
    const projectsVaId = await createVirtualAccount(t, tokens.owner, account.id, 'Projects');
    await addUsersOk(
      t,
      tokens.owner,
      account.id,
      ['delegate'],
      [vaRole('VIRTUAL_ACCOUNT_VIEWER', account.defaultVaId)],
    );
    const group = await createGroupOk(t, tokens.owner, account.id, 'Project Admins', {
      memberUserIds: ['delegate'],
      virtualAccountAccess: [access(projectsVaId, 'VIRTUAL_ACCOUNT_ADMIN')],
    });
    const newcomers = [`first-${scenarios}`, `second-${scenarios}`];
    await signInAll(t, newcomers);
    /** The call under test: the delegate adds a newcomer as VIRTUAL_ACCOUNT_USER on Projects. */
    const addAsDelegate = (userId: string) =>
      addUsers(t, tokens.delegate, {
        accountId: account.id,
        users: [userId],
        roles: [vaRole('VIRTUAL_ACCOUNT_USER', projectsVaId)],
      });
    return {
      accountId: account.id,
      defaultVaId: account.defaultVaId,
      projectsVaId,
      group,
      newcomers,
      addAsDelegate,
    };
  }

  type Scenario = Awaited<ReturnType<typeof scenario>>;

  /** The delegate's roles as the owner sees them. */
  const directRolesOf = async (s: Scenario, userId: string) =>
    dataOf(
      await t.gql<{ smartAccount: { user: { directRoles: unknown[] } | null } }>(
        tokens.owner,
        'query ($id: ID!, $u: ID!) { smartAccount(id: $id) { user(userId: $u) { directRoles { role virtualAccount { id } } } } }',
        { id: s.accountId, u: userId },
      ),
    ).smartAccount.user?.directRoles ?? null;

  /** Before the change the delegate may add a user; after it, the same call is FORBIDDEN and appends nothing. */
  async function expectRevokedBy(change: (s: Scenario) => Promise<void>): Promise<void> {
    const s = await scenario();
    const [first, second] = s.newcomers;

    const allowed = await appendedDuring(t, async () => {
      const response = await s.addAsDelegate(first);
      expect(dataOf(response).addUsers).toMatchObject({
        addedCount: 1,
        results: [{ input: first, outcome: 'ADDED' }],
      });
    });
    expect(allowed.map((event) => [event.type, event.metadata.actorId])).toEqual([['UserAdded', 'delegate']]);
    expect(await directRolesOf(s, first)).toEqual([
      { role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: s.projectsVaId } },
    ]);

    await change(s);

    const denied = await appendedDuring(t, async () => {
      const response = await s.addAsDelegate(second);
      expect(errorOf(response).code).toBe('FORBIDDEN');
    });
    expect(denied).toEqual([]);
    expect(await directRolesOf(s, second)).toBeNull();
  }

  test('a group member with VIRTUAL_ACCOUNT_ADMIN only through the group may add users to that Virtual Account', async () => {
    const s = await scenario();
    const [first] = s.newcomers;
    // Its own roles show where the admin right comes from.
    const mine = dataOf(
      await t.gql<{ smartAccount: { myRoles: unknown[] } }>(
        tokens.delegate,
        'query ($id: ID!) { smartAccount(id: $id) { myRoles { role virtualAccount { id } viaGroup { id name } } } }',
        { id: s.accountId },
      ),
    ).smartAccount.myRoles;
    expect(mine).toContainEqual({
      role: 'VIRTUAL_ACCOUNT_ADMIN',
      virtualAccount: { id: s.projectsVaId },
      viaGroup: { id: s.group.id, name: 'Project Admins' },
    });
    const response = await s.addAsDelegate(first);
    expect(dataOf(response).addUsers.results).toEqual([
      {
        input: first,
        line: null,
        outcome: 'ADDED',
        message: null,
        user: {
          profile: { userId: first },
          directRoles: [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: s.projectsVaId } }],
        },
      },
    ]);
    // The group's admin right covers only its Virtual Account: not the Default one.
    const [, second] = s.newcomers;
    const outside = await appendedDuring(t, async () => {
      const response = await addUsers(t, tokens.delegate, {
        accountId: s.accountId,
        users: [second],
        roles: [vaRole('VIRTUAL_ACCOUNT_USER', s.defaultVaId)],
      });
      expect(errorOf(response).code).toBe('FORBIDDEN');
    });
    expect(outside).toEqual([]);
  });

  test('(a) after leaving the group, the same call is FORBIDDEN on the very next request', async () => {
    await expectRevokedBy(async (s) => {
      const response = await t.gql(tokens.owner, EDIT_MEMBERS, {
        input: { accountId: s.accountId, groupId: s.group.id, remove: ['delegate'] },
      });
      dataOf(response);
    });
  });

  test('(b) after the group is deleted, the same call is FORBIDDEN on the very next request', async () => {
    await expectRevokedBy(async (s) => {
      const response = await t.gql(tokens.owner, DELETE_GROUP, {
        input: { accountId: s.accountId, groupId: s.group.id },
      });
      dataOf(response);
    });
  });

  test("(c) after the group's access becomes VIRTUAL_ACCOUNT_VIEWER, the same call is FORBIDDEN on the very next request", async () => {
    await expectRevokedBy(async (s) => {
      const response = await t.gql(tokens.owner, SET_ACCESS, {
        input: {
          accountId: s.accountId,
          groupId: s.group.id,
          access: [access(s.projectsVaId, 'VIRTUAL_ACCOUNT_VIEWER')],
        },
      });
      dataOf(response);
    });
  });

  test('the right returns with the membership: re-added to the group, the call succeeds again', async () => {
    const s = await scenario();
    const [first, second] = s.newcomers;
    dataOf(
      await t.gql(tokens.owner, EDIT_MEMBERS, {
        input: { accountId: s.accountId, groupId: s.group.id, remove: ['delegate'] },
      }),
    );
    expect(errorOf(await s.addAsDelegate(first)).code).toBe('FORBIDDEN');
    dataOf(
      await t.gql(tokens.owner, EDIT_MEMBERS, {
        input: { accountId: s.accountId, groupId: s.group.id, add: ['delegate'] },
      }),
    );
    expect(dataOf(await s.addAsDelegate(second)).addUsers.addedCount).toBe(1);
  });

  test('a bystander who is no member of the group never had the right', async () => {
    const s = await scenario();
    await addUsersOk(
      t,
      tokens.owner,
      s.accountId,
      ['bystander'],
      [vaRole('VIRTUAL_ACCOUNT_VIEWER', s.projectsVaId)],
    );
    const appended = await appendedDuring(t, async () => {
      const response = await addUsers(t, tokens.bystander, {
        accountId: s.accountId,
        users: [s.newcomers[0]],
        roles: [vaRole('VIRTUAL_ACCOUNT_USER', s.projectsVaId)],
      });
      expect(errorOf(response).code).toBe('FORBIDDEN');
    });
    expect(appended).toEqual([]);
  });
});
