import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app-harness';
import {
  REMOVE_USER,
  addUsersOk,
  appendedDuring,
  createAccount,
  createVirtualAccount,
  dataOf,
  errorOf,
  signInAll,
  vaRole,
} from './accounts-fixtures';
import {
  DELETE_GROUP,
  EDIT_MEMBERS,
  GROUPS_PAGE,
  MEMBERS_PAGE,
  SEND_MESSAGE,
  SET_ACCESS,
  UPDATE_GROUP,
  access,
  createGroup,
  createGroupOk,
  memberIdsOf,
  readGroup,
  registerProfiles,
  type GroupView,
} from './groups-fixtures';

interface AssignmentView {
  role: string;
  virtualAccount: { id: string } | null;
  viaGroup: { id: string; name: string } | null;
}

interface UserGroupsView {
  effectiveRoles: AssignmentView[];
  directRoles: AssignmentView[];
  groups: Array<{ id: string; name: string }>;
}

interface GroupsPageView {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: { id: string; name: string } }>;
  nodes: Array<{ id: string; name: string }>;
}

interface MembersPageView {
  memberCount: number;
  members: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { profile: { userId: string } } }>;
    nodes: Array<{ profile: { userId: string } }>;
  };
}

const ASSIGNMENT = 'role virtualAccount { id } viaGroup { id name }';

/** Order-insensitive view of role assignments. */
const sortedAssignments = (assignments: readonly AssignmentView[]): AssignmentView[] =>
  [...assignments].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('user groups over HTTP', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let owner: string;

  /** A fresh account owned by `owner`, with a second Virtual Account and `users` as VIEWERs on Default. */
  const world = async (
    label: string,
    users: readonly string[],
  ): Promise<{ accountId: string; defaultVaId: string; secondVaId: string }> => {
    const account = await createAccount(t, owner, `Groups ${label}`, `${label}.groups.example`);
    const secondVaId = await createVirtualAccount(t, owner, account.id, 'Second');
    if (users.length > 0) {
      await addUsersOk(
        t,
        owner,
        account.id,
        [...users],
        [vaRole('VIRTUAL_ACCOUNT_VIEWER', account.defaultVaId)],
      );
    }
    return { accountId: account.id, defaultVaId: account.defaultVaId, secondVaId };
  };

  const userView = async (
    token: string,
    accountId: string,
    userId: string,
  ): Promise<UserGroupsView | null> => {
    const data = dataOf(
      await t.gql<{ smartAccount: { user: UserGroupsView | null } }>(
        token,
        `query ($id: ID!, $u: ID!) { smartAccount(id: $id) { user(userId: $u) {
          directRoles { ${ASSIGNMENT} } effectiveRoles { ${ASSIGNMENT} } groups { id name } } } }`,
        { id: accountId, u: userId },
      ),
    );
    return data.smartAccount.user;
  };

  const myRoles = async (token: string, accountId: string): Promise<AssignmentView[]> => {
    const data = dataOf(
      await t.gql<{ smartAccount: { myRoles: AssignmentView[] } }>(
        token,
        `query ($id: ID!) { smartAccount(id: $id) { myRoles { ${ASSIGNMENT} } } }`,
        { id: accountId },
      ),
    );
    return data.smartAccount.myRoles;
  };

  const groupsPage = async (
    accountId: string,
    variables: { search?: string; first?: number; after?: string | null },
  ): Promise<GroupsPageView> =>
    dataOf(
      await t.gql<{ smartAccount: { groups: GroupsPageView } }>(owner, GROUPS_PAGE, {
        id: accountId,
        ...variables,
      }),
    ).smartAccount.groups;

  /** Every page of `groups`, following `endCursor`. */
  const allGroupNames = async (accountId: string, options: { search?: string; first: number }) => {
    const names: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await groupsPage(accountId, { ...options, after });
      expect(page.nodes).toEqual(page.edges.map((edge) => edge.node));
      names.push(...page.nodes.map((node) => node.name));
      if (!page.pageInfo.hasNextPage) return names;
      after = page.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  };

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['owner', 'ann', 'ben', 'cat', 'dan', 'eve', 'outsider']);
    owner = tokens.owner;
  });
  afterAll(() => t.stop());

  describe('createUserGroup', () => {
    test('creates the group with its members and Virtual Account access, as one GroupCreated event', async () => {
      const w = await world('create', ['ann', 'ben', 'cat']);
      let group: GroupView | null = null;
      const appended = await appendedDuring(t, async () => {
        const response = await createGroup(t, owner, {
          accountId: w.accountId,
          name: '  Engineers ',
          description: ' Builds things ',
          memberUserIds: ['ann', 'ben', 'ann'],
          virtualAccountAccess: [
            access(w.secondVaId, 'VIRTUAL_ACCOUNT_ADMIN'),
            access(w.defaultVaId, 'VIRTUAL_ACCOUNT_USER'),
          ],
        });
        group = dataOf(response).createUserGroup;
      });
      if (group === null) throw new Error('not created');
      const created: GroupView = group;
      expect(created).toEqual({
        id: expect.any(String),
        name: 'Engineers',
        description: 'Builds things',
        memberCount: 2,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        virtualAccountAccess: [
          { virtualAccount: { id: w.secondVaId }, role: 'VIRTUAL_ACCOUNT_ADMIN' },
          { virtualAccount: { id: w.defaultVaId }, role: 'VIRTUAL_ACCOUNT_USER' },
        ],
        members: { totalCount: 2, nodes: [{ profile: { userId: 'ann' } }, { profile: { userId: 'ben' } }] },
      });
      expect(appended.map((event) => event.type)).toEqual(['GroupCreated']);
      expect(appended[0].streamId).toBe(`account-${w.accountId}`);
      expect(appended[0].metadata.actorId).toBe('owner');
      expect(appended[0].data).toMatchObject({
        groupId: created.id,
        name: 'Engineers',
        memberIds: ['ann', 'ben'],
        access: [
          { virtualAccountId: w.secondVaId, role: 'VIRTUAL_ACCOUNT_ADMIN' },
          { virtualAccountId: w.defaultVaId, role: 'VIRTUAL_ACCOUNT_USER' },
        ],
      });
      // Read-your-writes: the very next query sees it.
      expect(await readGroup(t, owner, w.accountId, created.id)).toEqual(created);
    });

    test('a group without members or access is fine', async () => {
      const w = await world('empty', []);
      const group = await createGroupOk(t, owner, w.accountId, 'Nobody');
      expect(group).toMatchObject({
        description: null,
        memberCount: 0,
        virtualAccountAccess: [],
        members: { totalCount: 0, nodes: [] },
      });
    });

    test('members must be users of the account: BAD_USER_INPUT naming them, nothing appended', async () => {
      const w = await world('strangers', ['ann']);
      // Eve is the admin of another account, and no user of this one.
      await createAccount(t, tokens.eve, 'Eve Co', 'eve-strangers.groups.example');
      const appended = await appendedDuring(t, async () => {
        // `outsider` has a profile but is not a user of the account; `nobody` does not exist at all.
        const response = await createGroup(t, owner, {
          accountId: w.accountId,
          name: 'Mixed',
          memberUserIds: ['ann', 'outsider', 'nobody'],
        });
        expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberUserIds' });
        expect(response.errors?.[0].extensions?.userIds).toEqual(['outsider', 'nobody']);
        const fromElsewhere = await createGroup(t, owner, {
          accountId: w.accountId,
          name: 'Mixed',
          memberUserIds: ['eve'],
        });
        expect(errorOf(fromElsewhere)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberUserIds' });
      });
      expect(appended).toEqual([]);
      expect((await groupsPage(w.accountId, {})).totalCount).toBe(0);
    });

    test("Virtual Account access must name the account's own Virtual Accounts and VIRTUAL_ACCOUNT_* roles", async () => {
      const w = await world('access-checks', ['ann']);
      const other = await createAccount(t, owner, 'Elsewhere', 'elsewhere.groups.example');
      const bad = [
        [access(other.defaultVaId, 'VIRTUAL_ACCOUNT_USER')],
        [access(randomUUID(), 'VIRTUAL_ACCOUNT_USER')],
        [access(w.defaultVaId, 'SMART_ACCOUNT_ADMIN')],
        [access(w.defaultVaId, 'VIRTUAL_ACCOUNT_USER'), access(w.defaultVaId, 'VIRTUAL_ACCOUNT_ADMIN')],
      ];
      const appended = await appendedDuring(t, async () => {
        for (const virtualAccountAccess of bad) {
          const response = await createGroup(t, owner, {
            accountId: w.accountId,
            name: 'Access',
            memberUserIds: ['ann'],
            virtualAccountAccess,
          });
          expect({ virtualAccountAccess, error: errorOf(response) }).toMatchObject({
            virtualAccountAccess,
            error: { code: 'BAD_USER_INPUT', field: 'virtualAccountAccess' },
          });
        }
      });
      expect(appended).toEqual([]);
    });

    test('names are trimmed, bounded and unique per account case-insensitively (CONFLICT)', async () => {
      const w = await world('names', []);
      const first = await createGroupOk(t, owner, w.accountId, 'Support Team');
      const appended = await appendedDuring(t, async () => {
        for (const name of ['support team', '  SUPPORT TEAM  ']) {
          const response = await createGroup(t, owner, { accountId: w.accountId, name });
          expect({ name, error: errorOf(response) }).toMatchObject({ name, error: { code: 'CONFLICT' } });
        }
        for (const name of ['', '   ', 'x'.repeat(101)]) {
          const response = await createGroup(t, owner, { accountId: w.accountId, name });
          expect({ name, error: errorOf(response) }).toMatchObject({
            name,
            error: { code: 'BAD_USER_INPUT', field: 'name' },
          });
        }
      });
      expect(appended).toEqual([]);
      // The same name in another account is fine.
      const other = await world('names-other', []);
      expect((await createGroupOk(t, owner, other.accountId, 'SUPPORT TEAM')).name).toBe('SUPPORT TEAM');
      expect((await groupsPage(w.accountId, {})).nodes).toEqual([{ id: first.id, name: 'Support Team' }]);
    });
  });

  describe('updateUserGroup, editUserGroupMembers, setUserGroupAccess', () => {
    test('rename: to a free name, or its own name in another case; not to another group’s name', async () => {
      const w = await world('rename', []);
      const ops = await createGroupOk(t, owner, w.accountId, 'Ops');
      const dev = await createGroupOk(t, owner, w.accountId, 'Dev');
      const update = (input: Record<string, unknown>) =>
        t.gql<{ updateUserGroup: GroupView }>(owner, UPDATE_GROUP, {
          input: { accountId: w.accountId, groupId: ops.id, ...input },
        });

      const renamed = await appendedDuring(t, async () => {
        const response = await update({ name: ' Operations ', description: 'Keeps it running' });
        expect(dataOf(response).updateUserGroup).toMatchObject({
          id: ops.id,
          name: 'Operations',
          description: 'Keeps it running',
        });
      });
      expect(renamed.map((event) => [event.type, event.data.name])).toEqual([['GroupUpdated', 'Operations']]);
      expect(dataOf(await update({ name: 'OPERATIONS' })).updateUserGroup.name).toBe('OPERATIONS');

      const denied = await appendedDuring(t, async () => {
        expect(errorOf(await update({ name: 'dev' })).code).toBe('CONFLICT');
        expect(errorOf(await update({ name: ' ' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
        const missing = await t.gql(owner, UPDATE_GROUP, {
          input: { accountId: w.accountId, groupId: randomUUID(), name: 'Ghost' },
        });
        expect(errorOf(missing).code).toBe('NOT_FOUND');
      });
      expect(denied).toEqual([]);
      // Nothing to change: nothing appended.
      expect(await appendedDuring(t, () => update({ name: 'OPERATIONS' }))).toEqual([]);
      // A null description clears it; an absent one leaves it.
      expect(dataOf(await update({ description: null })).updateUserGroup.description).toBeNull();
      expect(dataOf(await update({ description: 'Back' })).updateUserGroup.description).toBe('Back');
      expect(dataOf(await update({ name: 'OPERATIONS' })).updateUserGroup.description).toBe('Back');

      // The old name is free again, the new one is taken; search follows the rename.
      expect((await createGroupOk(t, owner, w.accountId, 'Ops')).name).toBe('Ops');
      expect(errorOf(await createGroup(t, owner, { accountId: w.accountId, name: 'operations' })).code).toBe(
        'CONFLICT',
      );
      expect((await groupsPage(w.accountId, { search: 'oper' })).nodes).toEqual([
        { id: ops.id, name: 'OPERATIONS' },
      ]);
      expect((await groupsPage(w.accountId, { search: 'dev' })).nodes).toEqual([{ id: dev.id, name: 'Dev' }]);
    });

    test('editUserGroupMembers adds and removes in one call', async () => {
      const w = await world('members', ['ann', 'ben', 'cat', 'dan']);
      const group = await createGroupOk(t, owner, w.accountId, 'Crew', { memberUserIds: ['ann', 'ben'] });
      let edited: GroupView | null = null;
      const appended = await appendedDuring(t, async () => {
        const response = await t.gql<{ editUserGroupMembers: GroupView }>(owner, EDIT_MEMBERS, {
          input: { accountId: w.accountId, groupId: group.id, add: ['cat', 'dan', 'ann'], remove: ['ben'] },
        });
        edited = dataOf(response).editUserGroupMembers;
      });
      if (edited === null) throw new Error('not edited');
      expect(memberIdsOf(edited)).toEqual(['ann', 'cat', 'dan']);
      expect((edited as GroupView).memberCount).toBe(3);
      expect(appended.map((event) => [event.type, event.data.userIds])).toEqual([
        ['GroupMembersAdded', ['cat', 'dan']],
        ['GroupMembersRemoved', ['ben']],
      ]);
      expect(memberIdsOf((await readGroup(t, owner, w.accountId, group.id)) as GroupView)).toEqual([
        'ann',
        'cat',
        'dan',
      ]);
      expect((await userView(owner, w.accountId, 'ben'))?.groups).toEqual([]);
      expect((await userView(owner, w.accountId, 'cat'))?.groups).toEqual([{ id: group.id, name: 'Crew' }]);

      const denied = await appendedDuring(t, async () => {
        const stranger = await t.gql(owner, EDIT_MEMBERS, {
          input: { accountId: w.accountId, groupId: group.id, add: ['ben', 'outsider'], remove: ['ann'] },
        });
        expect(errorOf(stranger)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'add' });
        const both = await t.gql(owner, EDIT_MEMBERS, {
          input: { accountId: w.accountId, groupId: group.id, add: ['ben'], remove: ['ben'] },
        });
        expect(errorOf(both).code).toBe('BAD_USER_INPUT');
      });
      expect(denied).toEqual([]);
      expect(memberIdsOf((await readGroup(t, owner, w.accountId, group.id)) as GroupView)).toEqual([
        'ann',
        'cat',
        'dan',
      ]);
    });

    test('setUserGroupAccess replaces the access; members’ effective roles follow', async () => {
      const w = await world('set-access', ['ann']);
      const group = await createGroupOk(t, owner, w.accountId, 'Viewers', {
        memberUserIds: ['ann'],
        virtualAccountAccess: [access(w.defaultVaId, 'VIRTUAL_ACCOUNT_VIEWER')],
      });
      const appended = await appendedDuring(t, async () => {
        const response = await t.gql<{ setUserGroupAccess: GroupView }>(owner, SET_ACCESS, {
          input: {
            accountId: w.accountId,
            groupId: group.id,
            access: [access(w.secondVaId, 'VIRTUAL_ACCOUNT_ADMIN')],
          },
        });
        expect(dataOf(response).setUserGroupAccess.virtualAccountAccess).toEqual([
          { virtualAccount: { id: w.secondVaId }, role: 'VIRTUAL_ACCOUNT_ADMIN' },
        ]);
      });
      expect(appended.map((event) => event.type)).toEqual(['GroupAccessChanged']);
      expect(appended[0].data).toMatchObject({
        access: [{ virtualAccountId: w.secondVaId, role: 'VIRTUAL_ACCOUNT_ADMIN' }],
        previousAccess: [{ virtualAccountId: w.defaultVaId, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
      });
      expect(sortedAssignments((await userView(owner, w.accountId, 'ann'))?.effectiveRoles ?? [])).toEqual(
        sortedAssignments([
          { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: w.defaultVaId }, viaGroup: null },
          {
            role: 'VIRTUAL_ACCOUNT_ADMIN',
            virtualAccount: { id: w.secondVaId },
            viaGroup: { id: group.id, name: 'Viewers' },
          },
        ]),
      );

      const invalid = await appendedDuring(t, async () => {
        const response = await t.gql(owner, SET_ACCESS, {
          input: {
            accountId: w.accountId,
            groupId: group.id,
            access: [access(w.secondVaId, 'SMART_ACCOUNT_USER')],
          },
        });
        expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'access' });
      });
      expect(invalid).toEqual([]);

      // No access at all: the group then carries nothing.
      const cleared = await t.gql<{ setUserGroupAccess: GroupView }>(owner, SET_ACCESS, {
        input: { accountId: w.accountId, groupId: group.id, access: [] },
      });
      expect(dataOf(cleared).setUserGroupAccess.virtualAccountAccess).toEqual([]);
      expect((await userView(owner, w.accountId, 'ann'))?.effectiveRoles).toEqual([
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: w.defaultVaId }, viaGroup: null },
      ]);
    });
  });

  describe('reading groups', () => {
    test('groups(search) matches by prefix of any word, case-insensitively; pages follow `after`', async () => {
      const w = await world('search', []);
      const names = ['Alpha Team', 'Beta Squad', 'alphabet soup', 'Gamma', 'Team Alpha-2', 'Delta'];
      for (const name of names) await createGroupOk(t, owner, w.accountId, name);

      expect((await groupsPage(w.accountId, { search: 'ALP' })).nodes.map((n) => n.name)).toEqual([
        'Alpha Team',
        'alphabet soup',
        'Team Alpha-2',
      ]);
      // Every term must prefix some word.
      expect((await groupsPage(w.accountId, { search: 'alpha tea' })).nodes.map((n) => n.name)).toEqual([
        'Alpha Team',
        'Team Alpha-2',
      ]);
      expect((await groupsPage(w.accountId, { search: 'lpha' })).totalCount).toBe(0);
      expect((await groupsPage(w.accountId, { search: 'zzz' })).nodes).toEqual([]);

      // Without a search: all of them in creation order, page by page, none twice.
      const firstPage = await groupsPage(w.accountId, { first: 4 });
      expect(firstPage.totalCount).toBe(6);
      expect(firstPage.pageInfo.hasNextPage).toBe(true);
      expect(firstPage.pageInfo.endCursor).toBe(firstPage.edges[3].cursor);
      expect(await allGroupNames(w.accountId, { first: 4 })).toEqual(names);
      expect(await allGroupNames(w.accountId, { first: 1 })).toEqual(names);
      expect(await allGroupNames(w.accountId, { search: 'a', first: 2 })).toEqual([
        'Alpha Team',
        'alphabet soup',
        'Team Alpha-2',
      ]);
      const searched = await groupsPage(w.accountId, { search: 'a', first: 2 });
      expect(searched).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });

      const badCursor = await t.gql(owner, GROUPS_PAGE, { id: w.accountId, after: 'not-a-cursor' });
      expect(errorOf(badCursor)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      const tooMany = await t.gql(owner, GROUPS_PAGE, { id: w.accountId, first: 501 });
      expect(errorOf(tooMany)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });

    test('group(id) returns the group, or null for an unknown ID', async () => {
      const w = await world('group-by-id', ['ann']);
      const group = await createGroupOk(t, owner, w.accountId, 'One', { memberUserIds: ['ann'] });
      expect(await readGroup(t, owner, w.accountId, group.id)).toEqual(group);
      expect(await readGroup(t, owner, w.accountId, randomUUID())).toBeNull();
      // A group of another account is not found through this one.
      const other = await world('group-by-id-other', []);
      expect(await readGroup(t, owner, other.accountId, group.id)).toBeNull();
    });

    test('members(first, after) pages through the members in the order they joined; memberCount counts all', async () => {
      const users = ['ann', 'ben', 'cat', 'dan', 'eve'];
      const w = await world('members-page', users);
      const group = await createGroupOk(t, owner, w.accountId, 'Five', {
        memberUserIds: ['cat', 'ann', 'eve'],
      });
      await t.gql(owner, EDIT_MEMBERS, {
        input: { accountId: w.accountId, groupId: group.id, add: ['ben', 'dan'] },
      });
      const page = async (first: number, after: string | null) =>
        dataOf(
          await t.gql<{ smartAccount: { group: MembersPageView } }>(owner, MEMBERS_PAGE, {
            id: w.accountId,
            groupId: group.id,
            first,
            after,
          }),
        ).smartAccount.group;

      const seen: string[][] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i++) {
        const current = await page(2, after);
        expect(current.memberCount).toBe(5);
        expect(current.members.totalCount).toBe(5);
        expect(current.members.nodes).toEqual(current.members.edges.map((edge) => edge.node));
        seen.push(current.members.nodes.map((node) => node.profile.userId));
        if (!current.members.pageInfo.hasNextPage) break;
        expect(current.members.pageInfo.endCursor).toBe(current.members.edges[1].cursor);
        after = current.members.pageInfo.endCursor;
      }
      expect(seen).toEqual([['cat', 'ann'], ['eve', 'ben'], ['dan']]);
      for (const variables of [{ first: 0 }, { first: 501 }, { first: 2, after: 'bogus' }]) {
        const response = await t.gql(owner, MEMBERS_PAGE, {
          id: w.accountId,
          groupId: group.id,
          ...variables,
        });
        expect({ variables, code: errorOf(response).code }).toEqual({ variables, code: 'BAD_USER_INPUT' });
      }
      const whole = await page(5, null);
      expect(whole.members.pageInfo.hasNextPage).toBe(false);
      expect(whole.members.nodes.map((node) => node.profile.userId)).toEqual([
        'cat',
        'ann',
        'eve',
        'ben',
        'dan',
      ]);
    });

    test('AccountUser.groups and effectiveRoles show the roles through groups with viaGroup; myRoles too', async () => {
      const w = await world('effective', ['ann', 'ben']);
      const admins = await createGroupOk(t, owner, w.accountId, 'Second Admins', {
        memberUserIds: ['ann'],
        virtualAccountAccess: [access(w.secondVaId, 'VIRTUAL_ACCOUNT_ADMIN')],
      });
      const users = await createGroupOk(t, owner, w.accountId, 'Default Users', {
        memberUserIds: ['ann', 'ben'],
        virtualAccountAccess: [access(w.defaultVaId, 'VIRTUAL_ACCOUNT_USER')],
      });
      const direct: AssignmentView = {
        role: 'VIRTUAL_ACCOUNT_VIEWER',
        virtualAccount: { id: w.defaultVaId },
        viaGroup: null,
      };
      const expectedAnn = sortedAssignments([
        direct,
        {
          role: 'VIRTUAL_ACCOUNT_ADMIN',
          virtualAccount: { id: w.secondVaId },
          viaGroup: { id: admins.id, name: 'Second Admins' },
        },
        {
          role: 'VIRTUAL_ACCOUNT_USER',
          virtualAccount: { id: w.defaultVaId },
          viaGroup: { id: users.id, name: 'Default Users' },
        },
      ]);
      const ann = await userView(owner, w.accountId, 'ann');
      expect(ann?.directRoles).toEqual([direct]);
      expect(sortedAssignments(ann?.effectiveRoles ?? [])).toEqual(expectedAnn);
      expect(ann?.groups.map((g) => g.id).sort()).toEqual([admins.id, users.id].sort());
      // The member sees the same as their own roles.
      expect(sortedAssignments(await myRoles(tokens.ann, w.accountId))).toEqual(expectedAnn);
      expect(sortedAssignments(await myRoles(tokens.ben, w.accountId))).toEqual(
        sortedAssignments([
          direct,
          {
            role: 'VIRTUAL_ACCOUNT_USER',
            virtualAccount: { id: w.defaultVaId },
            viaGroup: { id: users.id, name: 'Default Users' },
          },
        ]),
      );
      // A group name change shows in viaGroup at once.
      dataOf(
        await t.gql(owner, UPDATE_GROUP, {
          input: { accountId: w.accountId, groupId: users.id, name: 'All Default Users' },
        }),
      );
      expect((await myRoles(tokens.ben, w.accountId)).map((a) => a.viaGroup?.name ?? null).sort()).toEqual([
        'All Default Users',
        null,
      ]);
    });
  });

  describe('removeUser and deleteUserGroup', () => {
    test('removeUser takes the user out of every group of the account', async () => {
      const w = await world('remove', ['ann', 'ben']);
      const g1 = await createGroupOk(t, owner, w.accountId, 'G1', {
        memberUserIds: ['ann', 'ben'],
        virtualAccountAccess: [access(w.secondVaId, 'VIRTUAL_ACCOUNT_USER')],
      });
      const g2 = await createGroupOk(t, owner, w.accountId, 'G2', { memberUserIds: ['ben', 'ann'] });
      const g3 = await createGroupOk(t, owner, w.accountId, 'G3', { memberUserIds: ['ben'] });

      let removedFromGroups: string[] = [];
      const appended = await appendedDuring(t, async () => {
        const response = await t.gql<{ removeUser: { userId: string; removedFromGroups: string[] } }>(
          owner,
          REMOVE_USER,
          { input: { accountId: w.accountId, userId: 'ann' } },
        );
        ({ removedFromGroups } = dataOf(response).removeUser);
      });
      expect([...removedFromGroups].sort()).toEqual([g1.id, g2.id].sort());
      expect(appended.map((event) => event.type)).toEqual(['UserRemoved']);
      expect([...(appended[0].data.removedFromGroups as string[])].sort()).toEqual([g1.id, g2.id].sort());

      for (const [group, members] of [
        [g1, ['ben']],
        [g2, ['ben']],
        [g3, ['ben']],
      ] as const) {
        const read = (await readGroup(t, owner, w.accountId, group.id)) as GroupView;
        expect({ name: read.name, members: memberIdsOf(read), count: read.memberCount }).toEqual({
          name: group.name,
          members,
          count: 1,
        });
      }
      // Gone from the account: no access left, and no longer a possible member.
      expect(await userView(owner, w.accountId, 'ann')).toBeNull();
      const readByAnn = await t.gql<{ smartAccount: unknown }>(
        tokens.ann,
        'query ($id: ID!) { smartAccount(id: $id) { id } }',
        {
          id: w.accountId,
        },
      );
      expect(dataOf(readByAnn).smartAccount).toBeNull();
      const readd = await t.gql(owner, EDIT_MEMBERS, {
        input: { accountId: w.accountId, groupId: g1.id, add: ['ann'] },
      });
      expect(errorOf(readd)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'add' });

      // Added again, they are in no group.
      await addUsersOk(t, owner, w.accountId, ['ann'], [vaRole('VIRTUAL_ACCOUNT_VIEWER', w.defaultVaId)]);
      expect((await userView(owner, w.accountId, 'ann'))?.groups).toEqual([]);
    });

    test('deleteUserGroup removes the group and the access it carried', async () => {
      const w = await world('delete', ['ann', 'ben']);
      const group = await createGroupOk(t, owner, w.accountId, 'Temporary', {
        memberUserIds: ['ann', 'ben'],
        virtualAccountAccess: [access(w.secondVaId, 'VIRTUAL_ACCOUNT_ADMIN')],
      });
      const kept = await createGroupOk(t, owner, w.accountId, 'Kept', { memberUserIds: ['ann'] });
      expect((await myRoles(tokens.ann, w.accountId)).some((a) => a.viaGroup?.id === group.id)).toBe(true);

      const appended = await appendedDuring(t, async () => {
        const response = await t.gql<{ deleteUserGroup: string }>(owner, DELETE_GROUP, {
          input: { accountId: w.accountId, groupId: group.id },
        });
        expect(dataOf(response).deleteUserGroup).toBe(group.id);
      });
      expect(appended.map((event) => event.type)).toEqual(['GroupDeleted']);
      expect(appended[0].data).toMatchObject({ groupId: group.id, memberIds: ['ann', 'ben'] });

      const directOnly = [
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: w.defaultVaId }, viaGroup: null },
      ];
      expect(await myRoles(tokens.ann, w.accountId)).toEqual(directOnly);
      expect(await myRoles(tokens.ben, w.accountId)).toEqual(directOnly);
      expect(await userView(owner, w.accountId, 'ann')).toEqual({
        directRoles: directOnly,
        effectiveRoles: directOnly,
        groups: [{ id: kept.id, name: 'Kept' }],
      });
      expect(await readGroup(t, owner, w.accountId, group.id)).toBeNull();
      expect((await groupsPage(w.accountId, {})).nodes).toEqual([{ id: kept.id, name: 'Kept' }]);
      expect((await groupsPage(w.accountId, { search: 'temp' })).totalCount).toBe(0);

      // Deleting it again, or changing it, finds no group; the name is free again.
      const again = await appendedDuring(t, async () => {
        for (const [query, input] of [
          [DELETE_GROUP, {}],
          [UPDATE_GROUP, { name: 'Back' }],
          [EDIT_MEMBERS, { add: ['ann'] }],
          [SET_ACCESS, { access: [] }],
          [SEND_MESSAGE, { subject: 'Hi', body: 'Hello' }],
        ] as const) {
          const response = await t.gql(owner, query, {
            input: { accountId: w.accountId, groupId: group.id, ...input },
          });
          expect(errorOf(response).code).toBe('NOT_FOUND');
        }
      });
      expect(again).toEqual([]);
      expect((await createGroupOk(t, owner, w.accountId, 'temporary')).memberCount).toBe(0);
    });
  });

  describe('concurrent changes', () => {
    test('of many creations of one name (in different cases), exactly one wins; the rest are CONFLICT', async () => {
      const w = await world('race-name', []);
      const names = ['Race', 'race', 'RACE', 'rAce', 'raCe', 'racE', ' Race ', 'RaCe'];
      const appended = await appendedDuring(t, async () => {
        const responses = await Promise.all(
          names.map((name) => createGroup(t, owner, { accountId: w.accountId, name })),
        );
        const codes = responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK');
        expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
        expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(names.length - 1);
      });
      expect(appended.map((event) => event.type)).toEqual(['GroupCreated']);
      expect((await groupsPage(w.accountId, {})).totalCount).toBe(1);
    });

    test('concurrent member edits lose nothing, and a removed user never stays in a group', async () => {
      const users = ['ann', 'ben', 'cat', 'dan', 'eve'];
      const w = await world('race-members', users);
      const group = await createGroupOk(t, owner, w.accountId, 'Racers');
      const edits = users.map((userId) =>
        t.gql(owner, EDIT_MEMBERS, { input: { accountId: w.accountId, groupId: group.id, add: [userId] } }),
      );
      for (const response of await Promise.all(edits)) dataOf(response);
      const all = (await readGroup(t, owner, w.accountId, group.id)) as GroupView;
      expect([...memberIdsOf(all)].sort()).toEqual(users);

      // Removing users while they are being added to a second group: whichever comes first,
      // they end in no group at all.
      const second = await createGroupOk(t, owner, w.accountId, 'Second Racers');
      const removed = ['ann', 'cat', 'eve'];
      const results = await Promise.all([
        ...removed.map((userId) => t.gql(owner, REMOVE_USER, { input: { accountId: w.accountId, userId } })),
        ...removed.map((userId) =>
          t.gql(owner, EDIT_MEMBERS, {
            input: { accountId: w.accountId, groupId: second.id, add: [userId] },
          }),
        ),
      ]);
      results.slice(0, removed.length).forEach((response) => dataOf(response));
      for (const response of results.slice(removed.length)) {
        // An add after the removal finds no such user.
        if (response.errors)
          expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'add' });
      }
      for (const g of [group, second]) {
        const read = (await readGroup(t, owner, w.accountId, g.id)) as GroupView;
        expect(memberIdsOf(read).filter((id) => removed.includes(id))).toEqual([]);
        expect(read.memberCount).toBe(memberIdsOf(read).length);
      }
      // The command side agrees with the read side: a message reaches exactly the remaining members.
      const receipt = dataOf(
        await t.gql<{ sendGroupMessage: { recipientCount: number } }>(owner, SEND_MESSAGE, {
          input: { accountId: w.accountId, groupId: group.id, subject: 'Who is left?', body: 'Roll call.' },
        }),
      ).sendGroupMessage;
      expect(receipt.recipientCount).toBe(2);
    });
  });

  describe('sendGroupMessage', () => {
    test('returns a receipt and records one GroupMessageSent naming the members', async () => {
      const w = await world('message', ['ann', 'ben', 'cat']);
      const group = await createGroupOk(t, owner, w.accountId, 'Readers', { memberUserIds: ['ann', 'cat'] });
      let receipt: Record<string, unknown> = {};
      const appended = await appendedDuring(t, async () => {
        const response = await t.gql<{ sendGroupMessage: Record<string, unknown> }>(owner, SEND_MESSAGE, {
          input: {
            accountId: w.accountId,
            groupId: group.id,
            subject: ' Maintenance ',
            body: 'Tonight at 10.',
          },
        });
        receipt = dataOf(response).sendGroupMessage;
      });
      expect(receipt).toEqual({
        messageId: expect.any(String),
        groupId: group.id,
        recipientCount: 2,
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(appended.map((event) => event.type)).toEqual(['GroupMessageSent']);
      expect(appended[0].metadata.actorId).toBe('owner');
      expect(appended[0].data).toMatchObject({
        groupId: group.id,
        messageId: receipt.messageId,
        subject: 'Maintenance',
        body: 'Tonight at 10.',
        recipientIds: ['ann', 'cat'],
        sentBy: 'owner',
      });

      const invalid = await appendedDuring(t, async () => {
        for (const [input, field] of [
          [{ subject: ' ', body: 'x' }, 'subject'],
          [{ subject: 'x'.repeat(201), body: 'x' }, 'subject'],
          [{ subject: 'x', body: '' }, 'body'],
          [{ subject: 'x', body: 'x'.repeat(10_001) }, 'body'],
        ] as const) {
          const response = await t.gql(owner, SEND_MESSAGE, {
            input: { accountId: w.accountId, groupId: group.id, ...input },
          });
          expect({ field, error: errorOf(response) }).toMatchObject({
            field,
            error: { code: 'BAD_USER_INPUT', field },
          });
        }
      });
      expect(invalid).toEqual([]);
    });

    test('a message to a group of 1,000 members is ONE GroupMessageSent event naming 1,000 recipients', async () => {
      const w = await world('thousand', []);
      const userIds = Array.from({ length: 1000 }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
      await registerProfiles(t, userIds);
      await addUsersOk(t, owner, w.accountId, userIds, [vaRole('VIRTUAL_ACCOUNT_VIEWER', w.defaultVaId)]);
      const created = dataOf(
        await t.gql<{ createUserGroup: { id: string; memberCount: number } }>(
          owner,
          `mutation ($input: CreateUserGroupInput!) { createUserGroup(input: $input) { id memberCount } }`,
          { input: { accountId: w.accountId, name: 'Everyone', memberUserIds: userIds } },
        ),
      ).createUserGroup;
      expect(created.memberCount).toBe(1000);

      let receipt: { recipientCount: number; messageId: string } | null = null;
      const appended = await appendedDuring(t, async () => {
        const response = await t.gql<{ sendGroupMessage: { recipientCount: number; messageId: string } }>(
          owner,
          SEND_MESSAGE,
          {
            input: {
              accountId: w.accountId,
              groupId: created.id,
              subject: 'All hands',
              body: 'Friday, 3 pm.',
            },
          },
        );
        receipt = dataOf(response).sendGroupMessage;
      });
      expect(receipt).toMatchObject({ recipientCount: 1000 });
      expect(appended).toHaveLength(1);
      const [sent] = appended;
      expect(sent.type).toBe('GroupMessageSent');
      const recipients = sent.data.recipientIds as string[];
      expect(recipients).toHaveLength(1000);
      expect([...recipients].sort()).toEqual(userIds);

      // The members page through in two full pages.
      const page = async (after: string | null) =>
        dataOf(
          await t.gql<{ smartAccount: { group: MembersPageView } }>(owner, MEMBERS_PAGE, {
            id: w.accountId,
            groupId: created.id,
            first: 500,
            after,
          }),
        ).smartAccount.group.members;
      const first = await page(null);
      const second = await page(first.pageInfo.endCursor);
      expect([first.pageInfo.hasNextPage, second.pageInfo.hasNextPage]).toEqual([true, false]);
      expect([...first.nodes, ...second.nodes].map((node) => node.profile.userId)).toEqual(userIds);
    });
  });
});
