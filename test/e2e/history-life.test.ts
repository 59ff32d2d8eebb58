import { startTestApp, type TestApp } from '../support/app-harness';
import { GRANT, REQUEST_GROUP_ACCESS, REVOKE, approve, decline, requestAccessOk } from './access-fixtures';
import {
  REMOVE_USER,
  SET_USER_ROLES,
  accountRole,
  addUsersOk,
  createAccount,
  createVirtualAccount,
  dataOf,
  signInAll,
  vaRole,
} from './accounts-fixtures';
import { DELETE_GROUP, EDIT_MEMBERS, SET_ACCESS, access, createGroupOk } from './groups-fixtures';
import {
  AS_OF,
  DIFF,
  REASONS,
  historyPage,
  lastEntry,
  roleText,
  rolesText,
  type AccessChangeView,
  type RoleView,
} from './history-fixtures';

/** What the test expects of one user at a moment, worked out by hand. */
type UserAt = { direct: string[]; effective: string[] };
type Moment = {
  at: string;
  revision: number;
  users: Record<string, UserAt>;
  groups: Record<string, string[]>;
};

interface SnapshotView {
  revision: number;
  name: string;
  users: Array<{ userId: string; directRoles: RoleView[]; effectiveRoles: RoleView[]; groupIds: string[] }>;
  groups: Array<{ id: string; name: string; memberIds: string[] }>;
}

const LIVE_USERS = `query ($id: ID!) {
  smartAccount(id: $id) {
    users(first: 100) { nodes { profile { userId } directRoles { role virtualAccount { name } viaGroup { name } }
      effectiveRoles { role virtualAccount { name } viaGroup { name } } groups { id } } }
    groups(first: 20) { nodes { id name members(first: 20) { nodes { profile { userId } } } } }
  }
}`;

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('an account’s life, replayed: as of six moments, diff, access reasons', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let acme: Awaited<ReturnType<typeof createAccount>>;
  let salesVa: string;
  let engId: string;
  let daveRequestId: string;
  const moments: Moment[] = [];
  let reasonsAtM4: Record<string, unknown>;
  const support = { 'x-support-case': 'CS-1042' };

  const mark = async (users: Record<string, UserAt>, groups: Record<string, string[]>) => {
    const entry = await lastEntry(t, tokens.alice, acme.id);
    moments.push({ at: entry.occurredAt, revision: entry.revision, users, groups });
    await pause();
  };
  const ok = async (
    token: string,
    query: string,
    variables: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => dataOf(await t.gql(token, query, variables, headers));

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['alice', 'bob', 'carol', 'dave', 'erin', 'gina']);
    tokens.sam = await t.signIn('sam', { roles: ['support'] });
    tokens.audrey = await t.signIn('audrey', { roles: ['auditor'] });
    acme = await createAccount(t, tokens.alice, 'Acme', 'life-acme.example');
    salesVa = await createVirtualAccount(t, tokens.alice, acme.id, 'Sales');
    const globex = await createAccount(t, tokens.gina, 'Globex', 'life-globex.example');
    const auditors = await createGroupOk(t, tokens.gina, globex.id, 'Auditors', { memberUserIds: ['gina'] });
    const alice = { direct: ['SMART_ACCOUNT_ADMIN'], effective: ['SMART_ACCOUNT_ADMIN'] };
    await pause();

    // M1: bob views everything, carol uses Sales.
    await addUsersOk(t, tokens.alice, acme.id, ['bob'], [accountRole('SMART_ACCOUNT_VIEWER')]);
    await addUsersOk(t, tokens.alice, acme.id, ['carol'], [vaRole('VIRTUAL_ACCOUNT_USER', salesVa)]);
    const bobViewer = { direct: ['SMART_ACCOUNT_VIEWER'], effective: ['SMART_ACCOUNT_VIEWER'] };
    await mark(
      {
        alice,
        bob: bobViewer,
        carol: { direct: ['VIRTUAL_ACCOUNT_USER@Sales'], effective: ['VIRTUAL_ACCOUNT_USER@Sales'] },
      },
      {},
    );

    // M2: group Eng (bob) administers Sales.
    engId = (
      await createGroupOk(t, tokens.alice, acme.id, 'Eng', {
        memberUserIds: ['bob'],
        virtualAccountAccess: [access(salesVa, 'VIRTUAL_ACCOUNT_ADMIN')],
      })
    ).id;
    const bobInEng = {
      direct: ['SMART_ACCOUNT_VIEWER'],
      effective: ['SMART_ACCOUNT_VIEWER', 'VIRTUAL_ACCOUNT_ADMIN@Sales via Eng'],
    };
    await mark(
      {
        alice,
        bob: bobInEng,
        carol: { direct: ['VIRTUAL_ACCOUNT_USER@Sales'], effective: ['VIRTUAL_ACCOUNT_USER@Sales'] },
      },
      { Eng: ['bob'] },
    );

    // M3: carol becomes a Smart Account user and joins Eng.
    await ok(tokens.alice, SET_USER_ROLES, {
      input: { accountId: acme.id, userId: 'carol', roles: [accountRole('SMART_ACCOUNT_USER')] },
    });
    await ok(tokens.alice, EDIT_MEMBERS, { input: { accountId: acme.id, groupId: engId, add: ['carol'] } });
    const carolInEng = {
      direct: ['SMART_ACCOUNT_USER'],
      effective: ['SMART_ACCOUNT_USER', 'VIRTUAL_ACCOUNT_ADMIN@Sales via Eng'],
    };
    await mark({ alice, bob: bobInEng, carol: carolInEng }, { Eng: ['bob', 'carol'] });

    // M4: dave's request approved, erin's declined; gina joins and her Globex group gets access.
    daveRequestId = (await requestAccessOk(t, tokens.dave, 'life-acme.example')).id;
    dataOf(
      await approve(t, tokens.alice, daveRequestId, [vaRole('VIRTUAL_ACCOUNT_VIEWER', acme.defaultVaId)]),
    );
    const erinRequest = await requestAccessOk(t, tokens.erin, 'life-acme.example');
    dataOf(await decline(t, tokens.alice, erinRequest.id, 'Not this time'));
    await addUsersOk(t, tokens.alice, acme.id, ['gina'], [accountRole('SMART_ACCOUNT_VIEWER')]);
    const groupRequest = (await ok(tokens.gina, REQUEST_GROUP_ACCESS, {
      input: {
        accountId: globex.id,
        groupId: auditors.id,
        domainIdentifier: 'life-acme.example',
        reason: 'Audit',
      },
    })) as { requestGroupAccess: { lookupId: string } };
    await ok(tokens.alice, GRANT, {
      input: {
        accountId: acme.id,
        lookupId: groupRequest.requestGroupAccess.lookupId,
        access: [{ virtualAccountId: acme.defaultVaId, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
      },
    });
    const dave = {
      direct: ['VIRTUAL_ACCOUNT_VIEWER@Default'],
      effective: ['VIRTUAL_ACCOUNT_VIEWER@Default'],
    };
    const gina = { direct: ['SMART_ACCOUNT_VIEWER'], effective: ['SMART_ACCOUNT_VIEWER'] };
    await mark({ alice, bob: bobInEng, carol: carolInEng, dave, gina }, { Eng: ['bob', 'carol'] });
    reasonsAtM4 = {};
    for (const userId of ['bob', 'carol', 'dave', 'gina']) {
      reasonsAtM4[userId] = await ok(tokens.alice, REASONS, { id: acme.id, userId });
    }

    // M5: support removes carol under a case; Eng now only uses Sales.
    await ok(tokens.sam, REMOVE_USER, { input: { accountId: acme.id, userId: 'carol' } }, support);
    await ok(tokens.alice, SET_ACCESS, {
      input: { accountId: acme.id, groupId: engId, access: [access(salesVa, 'VIRTUAL_ACCOUNT_USER')] },
    });
    const bobUsesSales = {
      direct: ['SMART_ACCOUNT_VIEWER'],
      effective: ['SMART_ACCOUNT_VIEWER', 'VIRTUAL_ACCOUNT_USER@Sales via Eng'],
    };
    await mark({ alice, bob: bobUsesSales, dave, gina }, { Eng: ['bob'] });

    // M6: the Globex grant is revoked and Eng is deleted.
    await ok(tokens.alice, REVOKE, { input: { accountId: acme.id, groupId: auditors.id } });
    await ok(tokens.alice, DELETE_GROUP, { input: { accountId: acme.id, groupId: engId } });
    await mark({ alice, bob: bobViewer, dave, gina }, {});
  });
  afterAll(() => t.stop());

  const asOf = async (variables: { at?: string; revision?: number }, token = tokens.alice) =>
    dataOf(await t.gql<{ smartAccountAsOf: SnapshotView }>(token, AS_OF, { id: acme.id, ...variables }))
      .smartAccountAsOf;

  const usersOf = (snapshot: SnapshotView) =>
    Object.fromEntries(
      snapshot.users.map((user) => [
        user.userId,
        { direct: rolesText(user.directRoles), effective: rolesText(user.effectiveRoles) },
      ]),
    );
  const groupsOf = (snapshot: SnapshotView) =>
    Object.fromEntries(snapshot.groups.map((group) => [group.name, group.memberIds]));
  const sorted = (users: Record<string, UserAt>) =>
    Object.fromEntries(
      Object.entries(users).map(([id, user]) => [
        id,
        { direct: [...user.direct].sort(), effective: [...user.effective].sort() },
      ]),
    );

  it.each([1, 2, 3, 4, 5, 6])(
    'as of moment M%i equals the state worked out by hand (by time and by revision)',
    async (index) => {
      const moment = moments[index - 1];
      for (const snapshot of [await asOf({ at: moment.at }), await asOf({ revision: moment.revision })]) {
        expect(snapshot.revision).toBe(moment.revision);
        expect(snapshot.name).toBe('Acme');
        expect(usersOf(snapshot)).toEqual(sorted(moment.users));
        expect(groupsOf(snapshot)).toEqual(moment.groups);
      }
    },
  );

  it('as of now equals the live read model', async () => {
    const snapshot = await asOf({});
    const live = dataOf(
      await t.gql<{
        smartAccount: {
          users: {
            nodes: Array<{
              profile: { userId: string };
              directRoles: RoleView[];
              effectiveRoles: RoleView[];
              groups: Array<{ id: string }>;
            }>;
          };
          groups: {
            nodes: Array<{
              id: string;
              name: string;
              members: { nodes: Array<{ profile: { userId: string } }> };
            }>;
          };
        };
      }>(tokens.alice, LIVE_USERS, { id: acme.id }),
    ).smartAccount;
    expect(snapshot.revision).toBe(moments[5].revision);
    expect(
      Object.fromEntries(
        live.users.nodes.map((user) => [
          user.profile.userId,
          {
            direct: rolesText(user.directRoles),
            effective: rolesText(user.effectiveRoles),
            groupIds: user.groups.map((g) => g.id),
          },
        ]),
      ),
    ).toEqual(
      Object.fromEntries(
        snapshot.users.map((user) => [
          user.userId,
          {
            direct: rolesText(user.directRoles),
            effective: rolesText(user.effectiveRoles),
            groupIds: user.groupIds,
          },
        ]),
      ),
    );
    expect(live.groups.nodes.map((g) => [g.id, g.members.nodes.map((m) => m.profile.userId)])).toEqual(
      snapshot.groups.map((g) => [g.id, g.memberIds]),
    );
  });

  it('the diff between M2 and M5 is the difference worked out by hand', async () => {
    const { smartAccountDiff: diff } = dataOf(
      await t.gql<{
        smartAccountDiff: { fromRevision: number; toRevision: number; changes: AccessChangeView[] };
      }>(tokens.alice, DIFF, { id: acme.id, from: moments[1].at, to: moments[4].at }),
    );
    expect([diff.fromRevision, diff.toRevision]).toEqual([moments[1].revision, moments[4].revision]);
    expect(diff.changes.map((c) => [c.userId, rolesText(c.before), rolesText(c.after)])).toEqual([
      [
        'bob',
        ['SMART_ACCOUNT_VIEWER', 'VIRTUAL_ACCOUNT_ADMIN@Sales via Eng'],
        ['SMART_ACCOUNT_VIEWER', 'VIRTUAL_ACCOUNT_USER@Sales via Eng'],
      ],
      ['carol', ['VIRTUAL_ACCOUNT_USER@Sales'], []],
      ['dave', [], ['VIRTUAL_ACCOUNT_VIEWER@Default']],
      ['gina', [], ['SMART_ACCOUNT_VIEWER']],
    ]);
  });

  it('support’s removal records the case, in the entry and its summary, with what carol lost', async () => {
    const page = await historyPage(t, tokens.audrey, acme.id, { filter: { types: ['UserRemoved'] } });
    expect(page.edges.map((e) => e.node)).toMatchObject([
      {
        actorId: 'sam',
        supportCaseId: 'CS-1042',
        subjectUserId: 'carol',
        summary: 'support (case CS-1042) removed carol (who left group "Eng")',
      },
    ]);
    const [change] = page.edges[0].node.accessChanges;
    expect([change.userId, rolesText(change.before), rolesText(change.after)]).toEqual([
      'carol',
      ['SMART_ACCOUNT_USER', 'VIRTUAL_ACCOUNT_ADMIN@Sales via Eng'],
      [],
    ]);
  });

  it('every access reason points at the events that gave the role', async () => {
    const revisionOf = async (type: string, subjectUserId?: string) => {
      const page = await historyPage(t, tokens.alice, acme.id, { filter: { types: [type], subjectUserId } });
      return page.edges.map((edge) => edge.node.revision);
    };
    type Reasons = {
      smartAccount: {
        user: {
          accessReasons: Array<{
            role: RoleView;
            path: string;
            grantedBy: Array<{ revision: number; type: string }>;
            accessRequest: { id: string; status: string } | null;
          }>;
        };
      };
    };
    const reasonsOf = (userId: string) =>
      (reasonsAtM4[userId] as Reasons).smartAccount.user.accessReasons.map((reason) => ({
        role: roleText(reason.role),
        path: reason.path,
        grantedBy: reason.grantedBy.map((entry) => entry.revision),
        request: reason.accessRequest,
      }));
    const [groupCreated] = await revisionOf('GroupCreated');
    const [carolJoined] = await revisionOf('GroupMembersAdded', 'carol');
    const [carolChanged] = await revisionOf('UserRolesChanged', 'carol');
    const [bobAdded] = await revisionOf('UserAdded', 'bob');
    const [daveApproved] = await revisionOf('AccessApproved', 'dave');
    const [daveAdded] = await revisionOf('UserAdded', 'dave');
    const [ginaAdded] = await revisionOf('UserAdded', 'gina');
    const [granted] = await revisionOf('ExternalGroupAccessGranted');

    expect(reasonsOf('bob')).toEqual([
      { role: 'SMART_ACCOUNT_VIEWER', path: 'DIRECT', grantedBy: [bobAdded], request: null },
      {
        role: 'VIRTUAL_ACCOUNT_ADMIN@Sales via Eng',
        path: 'GROUP',
        grantedBy: [groupCreated],
        request: null,
      },
    ]);
    expect(reasonsOf('carol')).toEqual([
      { role: 'SMART_ACCOUNT_USER', path: 'DIRECT', grantedBy: [carolChanged], request: null },
      {
        role: 'VIRTUAL_ACCOUNT_ADMIN@Sales via Eng',
        path: 'GROUP',
        grantedBy: [groupCreated, carolJoined],
        request: null,
      },
    ]);
    expect(reasonsOf('dave')).toEqual([
      {
        role: 'VIRTUAL_ACCOUNT_VIEWER@Default',
        path: 'DIRECT',
        grantedBy: [daveApproved, daveAdded],
        request: { id: daveRequestId, status: 'APPROVED' },
      },
    ]);
    expect(reasonsOf('gina')).toMatchObject([
      { role: 'SMART_ACCOUNT_VIEWER', path: 'DIRECT', grantedBy: [ginaAdded], request: null },
      {
        role: 'VIRTUAL_ACCOUNT_VIEWER@Default via Auditors',
        path: 'EXTERNAL_GROUP',
        grantedBy: [granted],
        request: { status: 'APPROVED' },
      },
    ]);
  });

  it('an auditor reads the same history, snapshots and diffs', async () => {
    expect(await asOf({ revision: moments[2].revision }, tokens.audrey)).toEqual(
      await asOf({ revision: moments[2].revision }),
    );
    const auditorPage = await historyPage(t, tokens.audrey, acme.id, { first: 500 });
    const adminPage = await historyPage(t, tokens.alice, acme.id, { first: 500 });
    expect(auditorPage).toEqual(adminPage);
    expect(adminPage.totalCount).toBe(moments[5].revision + 1);
  });
});
