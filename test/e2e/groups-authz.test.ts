import { randomUUID } from 'node:crypto';
import { PERMISSIONS, type Operation, type OperationPermission } from '../../src/domain/account/permissions';
import { ROLES, isVirtualAccountRole, type Role } from '../../src/domain/account/roles';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/app-harness';
import { addUsersOk, appendedDuring, createAccount, dataOf, errorOf, vaRole } from './accounts-fixtures';
import {
  CREATE_GROUP,
  DELETE_GROUP,
  EDIT_MEMBERS,
  SEND_MESSAGE,
  SET_ACCESS,
  UPDATE_GROUP,
  access,
  createGroupOk,
  memberIdsOf,
  type GroupView,
} from './groups-fixtures';

/**
 * Who may manage user groups and read them: the caller × operation matrix generated from the
 * declarative PERMISSIONS table (`manageGroups`, and `readMembers` for the group queries), run
 * over HTTP against the real server.
 */

const SUPPORT_CASE = 'CASE-0815';

/** The rows, and the operations of them that this suite probes (the group ones). */
const ROWS = ['manageGroups', 'readMembers'] as const satisfies Operation[];
const isGroupOperation = (covers: string) =>
  PERMISSIONS.manageGroups.covers.some((name) => name === covers) ||
  covers === 'SmartAccount.groups' ||
  covers === 'SmartAccount.group';

interface Caller {
  label: string;
  /** Null: anonymous. */
  userId: string | null;
  /** The role held directly in the account (VIRTUAL_ACCOUNT_* on its Default Virtual Account). */
  role: Role | null;
  /** A VIRTUAL_ACCOUNT_* role on the Default Virtual Account held through a group. */
  groupRole: Role | null;
  platformRoles: string[];
  /** Sends `X-Support-Case`. */
  sendsCase: boolean;
}

const caller = (label: string, userId: string | null, rest: Partial<Caller> = {}): Caller => ({
  label,
  userId,
  role: null,
  groupRole: null,
  platformRoles: [],
  sendsCase: false,
  ...rest,
});

const CALLERS: Caller[] = [
  caller('anonymous', null),
  caller('non-member', 'outsider'),
  caller('non-member sending X-Support-Case', 'outsider', { sendsCase: true }),
  ...ROLES.map((role) => caller(role, `holder-${role}`, { role })),
  caller('VIRTUAL_ACCOUNT_VIEWER with VIRTUAL_ACCOUNT_ADMIN through a group', 'group-va-admin', {
    role: 'VIRTUAL_ACCOUNT_VIEWER',
    groupRole: 'VIRTUAL_ACCOUNT_ADMIN',
  }),
  caller('admin of another account', 'other-admin'),
  caller('platform auditor', 'auditor', { platformRoles: ['auditor'] }),
  caller('platform support with X-Support-Case', 'support-agent', {
    platformRoles: ['support'],
    sendsCase: true,
  }),
  caller('platform support without X-Support-Case', 'support-agent', { platformRoles: ['support'] }),
];

const actsAsSupport = (c: Caller) => c.platformRoles.includes('support') && c.sendsCase;

/** Does the row let the caller through, platform roles included? */
function permits(permission: OperationPermission, c: Caller): boolean {
  if (permission.auditor && c.platformRoles.includes('auditor')) return true;
  if (permission.supportWithCase && actsAsSupport(c)) return true;
  const held = [c.role, c.groupRole].filter((role): role is Role => role !== null);
  if (held.length === 0) return false;
  const allowed = permission.roles;
  return allowed === 'ANY_ROLE' || held.some((role) => allowed.includes(role));
}

type Outcome = 'ALLOWED' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED';

function expectedOutcome(permission: OperationPermission, c: Caller): Outcome {
  if (c.userId === null) return 'UNAUTHENTICATED';
  if (permits(permission, c)) return 'ALLOWED';
  if (permits(PERMISSIONS.readAccount, c)) return 'FORBIDDEN';
  return 'NOT_FOUND';
}

interface World {
  accountId: string;
  defaultVaId: string;
  ownerToken: string;
  /** A group every query probe reads. */
  fixtureGroupId: string;
}

type Data = Record<string, unknown>;
type Request = { query: string; variables: Record<string, unknown> };

interface Probe {
  /** As named in the row's `covers`. */
  covers: string;
  mutation: boolean;
  /** Creates what the call works on (as the owner); returns the group's ID. */
  prepare?(world: World): Promise<string>;
  request(accountId: string, world: World, groupId: string): Request;
  /** Checks the result of an allowed call and the events it appended. */
  check(data: Data, world: World, groupId: string, appended: Array<{ type: string; data: Data }>): void;
}

const field = <T>(data: Data, ...path: string[]): T =>
  path.reduce<unknown>((value, key) => (value as Data | null)?.[key] ?? null, data) as T;

let serial = 0;
const nextName = (prefix: string) => `${prefix} ${++serial}`;

function probes(t: TestApp): Probe[] {
  const freshGroup = async (world: World): Promise<string> =>
    (
      await createGroupOk(t, world.ownerToken, world.accountId, nextName('Target'), {
        memberUserIds: ['member-1'],
        virtualAccountAccess: [access(world.defaultVaId, 'VIRTUAL_ACCOUNT_VIEWER')],
      })
    ).id;
  const input = (accountId: string, groupId: string, rest: Data = {}) => ({
    input: { accountId, groupId, ...rest },
  });
  return [
    {
      covers: 'createUserGroup',
      mutation: true,
      prepare: async () => nextName('Created'),
      // The "group ID" prepared here is the new group's name.
      request: (accountId, world, name) => ({
        query: CREATE_GROUP,
        variables: {
          input: {
            accountId,
            name,
            memberUserIds: ['member-1'],
            virtualAccountAccess: [access(world.defaultVaId, 'VIRTUAL_ACCOUNT_USER')],
          },
        },
      }),
      check: (data, world, name, appended) => {
        const group = field<GroupView>(data, 'createUserGroup');
        expect({ name: group.name, members: memberIdsOf(group), access: group.virtualAccountAccess }).toEqual(
          {
            name,
            members: ['member-1'],
            access: [{ virtualAccount: { id: world.defaultVaId }, role: 'VIRTUAL_ACCOUNT_USER' }],
          },
        );
        expect(appended.map((event) => event.type)).toEqual(['GroupCreated']);
      },
    },
    {
      covers: 'updateUserGroup',
      mutation: true,
      prepare: freshGroup,
      request: (accountId, _world, groupId) => ({
        query: UPDATE_GROUP,
        variables: input(accountId, groupId, { name: `Renamed ${groupId}`, description: 'changed' }),
      }),
      check: (data, _world, groupId, appended) => {
        expect(field(data, 'updateUserGroup', 'name')).toBe(`Renamed ${groupId}`);
        expect(appended.map((event) => event.type)).toEqual(['GroupUpdated']);
      },
    },
    {
      covers: 'editUserGroupMembers',
      mutation: true,
      prepare: freshGroup,
      request: (accountId, _world, groupId) => ({
        query: EDIT_MEMBERS,
        variables: input(accountId, groupId, { add: ['member-2'], remove: ['member-1'] }),
      }),
      check: (data, _world, _groupId, appended) => {
        expect(memberIdsOf(field<GroupView>(data, 'editUserGroupMembers'))).toEqual(['member-2']);
        expect(appended.map((event) => event.type)).toEqual(['GroupMembersAdded', 'GroupMembersRemoved']);
      },
    },
    {
      covers: 'setUserGroupAccess',
      mutation: true,
      prepare: freshGroup,
      request: (accountId, world, groupId) => ({
        query: SET_ACCESS,
        variables: input(accountId, groupId, {
          access: [access(world.defaultVaId, 'VIRTUAL_ACCOUNT_ADMIN')],
        }),
      }),
      check: (data, world, _groupId, appended) => {
        expect(field(data, 'setUserGroupAccess', 'virtualAccountAccess')).toEqual([
          { virtualAccount: { id: world.defaultVaId }, role: 'VIRTUAL_ACCOUNT_ADMIN' },
        ]);
        expect(appended.map((event) => event.type)).toEqual(['GroupAccessChanged']);
      },
    },
    {
      covers: 'deleteUserGroup',
      mutation: true,
      prepare: freshGroup,
      request: (accountId, _world, groupId) => ({
        query: DELETE_GROUP,
        variables: input(accountId, groupId),
      }),
      check: (data, _world, groupId, appended) => {
        expect(data.deleteUserGroup).toBe(groupId);
        expect(appended.map((event) => event.type)).toEqual(['GroupDeleted']);
      },
    },
    {
      covers: 'sendGroupMessage',
      mutation: true,
      prepare: freshGroup,
      request: (accountId, _world, groupId) => ({
        query: SEND_MESSAGE,
        variables: input(accountId, groupId, { subject: 'Hello', body: 'A word to the group.' }),
      }),
      check: (data, _world, groupId, appended) => {
        expect(data.sendGroupMessage).toMatchObject({ groupId, recipientCount: 1 });
        expect(appended.map((event) => [event.type, event.data.recipientIds])).toEqual([
          ['GroupMessageSent', ['member-1']],
        ]);
      },
    },
    {
      covers: 'SmartAccount.groups',
      mutation: false,
      request: (id) => ({
        query:
          'query ($id: ID!) { smartAccount(id: $id) { id groups(first: 500) { totalCount nodes { id } } } }',
        variables: { id },
      }),
      check: (data, world) => {
        const groups = field<{ totalCount: number; nodes: Array<{ id: string }> }>(
          data,
          'smartAccount',
          'groups',
        );
        expect(groups.nodes.map((node) => node.id)).toContain(world.fixtureGroupId);
        expect(groups.totalCount).toBe(groups.nodes.length);
      },
    },
    {
      covers: 'SmartAccount.group',
      mutation: false,
      request: (id, world) => ({
        query: `query ($id: ID!, $group: ID!) {
          smartAccount(id: $id) { id group(id: $group) { id name memberCount members { nodes { profile { userId } } } } }
        }`,
        variables: { id, group: world.fixtureGroupId },
      }),
      check: (data, world) =>
        expect(field(data, 'smartAccount', 'group')).toEqual({
          id: world.fixtureGroupId,
          name: 'Fixture Group',
          memberCount: 2,
          members: { nodes: [{ profile: { userId: 'member-1' } }, { profile: { userId: 'member-2' } }] },
        }),
    },
  ];
}

function observe(response: GraphQLResponse<Data>): Outcome {
  const code = response.errors?.[0]?.extensions?.code;
  if (code !== undefined) {
    if (code === 'FORBIDDEN' || code === 'NOT_FOUND' || code === 'UNAUTHENTICATED') return code;
    throw new Error(`unexpected error ${JSON.stringify(response.errors)}`);
  }
  // A query on an account the caller may not read: reported like a missing one.
  if (response.data && 'smartAccount' in response.data && response.data.smartAccount === null)
    return 'NOT_FOUND';
  return 'ALLOWED';
}

const comparable = (response: GraphQLResponse<Data>) => ({
  status: response.status,
  data: response.data,
  errors: response.errors,
});

describe('who may manage and read user groups, over HTTP (generated from PERMISSIONS)', () => {
  let t: TestApp;
  let world: World;
  const tokens = new Map<string, string>();

  const send = (c: Caller, request: Request) => {
    const token = c.userId === null ? null : (tokens.get(c.userId) ?? null);
    if (c.userId !== null && token === null) throw new Error(`${c.userId} not signed in`);
    const headers: Record<string, string> = c.sendsCase ? { 'X-Support-Case': SUPPORT_CASE } : {};
    return t.gql<Data>(token, request.query, request.variables, headers);
  };

  beforeAll(async () => {
    t = await startTestApp();
    const everyone = new Map<string, string[]>(
      CALLERS.flatMap((c) => (c.userId === null ? [] : [[c.userId, c.platformRoles] as const])),
    );
    for (const userId of ['owner', 'member-1', 'member-2']) everyone.set(userId, []);
    for (const [userId, roles] of everyone) {
      tokens.set(userId, await t.signIn(userId, roles.length > 0 ? { roles } : {}));
    }
    const ownerToken = tokens.get('owner') as string;
    const account = await createAccount(t, ownerToken, 'Group Matrix', 'group-matrix.example');
    const defaultVaId = account.defaultVaId;
    await addUsersOk(
      t,
      ownerToken,
      account.id,
      ['member-1', 'member-2'],
      [vaRole('VIRTUAL_ACCOUNT_VIEWER', defaultVaId)],
    );
    for (const c of CALLERS) {
      if (c.role === null || c.userId === null) continue;
      const scope = isVirtualAccountRole(c.role) ? defaultVaId : null;
      await addUsersOk(t, ownerToken, account.id, [c.userId], [{ role: c.role, virtualAccountId: scope }]);
    }
    for (const c of CALLERS) {
      if (c.groupRole === null || c.userId === null) continue;
      await createGroupOk(t, ownerToken, account.id, `${c.groupRole} holders`, {
        memberUserIds: [c.userId],
        virtualAccountAccess: [access(defaultVaId, c.groupRole)],
      });
    }
    const fixture = await createGroupOk(t, ownerToken, account.id, 'Fixture Group', {
      memberUserIds: ['member-1', 'member-2'],
    });
    await createAccount(
      t,
      tokens.get('other-admin') as string,
      'Other Group Matrix',
      'other-group-matrix.example',
    );
    world = { accountId: account.id, defaultVaId, ownerToken, fixtureGroupId: fixture.id };
  });
  afterAll(() => t.stop());

  test('every group operation of the rows has a probe, and every probe a row', () => {
    const probed = probes(t).map((probe) => probe.covers);
    const covered: string[] = ROWS.flatMap((row) => PERMISSIONS[row].covers.filter(isGroupOperation));
    expect([...probed].sort()).toEqual([...covered].sort());
    expect(PERMISSIONS.manageGroups.covers.every((name) => probed.includes(name))).toBe(true);
  });

  const cases = ROWS.flatMap((row) => {
    const permission: OperationPermission = PERMISSIONS[row];
    return permission.covers
      .filter(isGroupOperation)
      .flatMap((covers) =>
        CALLERS.map((c) => ({ row, covers, caller: c, expected: expectedOutcome(permission, c) })),
      );
  });

  test.each(cases)('$row: $covers by $caller.label → $expected', async ({ covers, caller: c, expected }) => {
    const probe = probes(t).find((p) => p.covers === covers);
    if (!probe) throw new Error(`no probe for ${covers}`);
    const target = (await probe.prepare?.(world)) ?? '';
    let response: GraphQLResponse<Data> = { status: 0 };
    const appended = await appendedDuring(t, async () => {
      response = await send(c, probe.request(world.accountId, world, target));
    });
    // (The response is in the subject so that a failure shows it.)
    expect({ outcome: observe(response), response }).toMatchObject({ outcome: expected });

    if (expected === 'ALLOWED') {
      probe.check(response.data as Data, world, target, appended);
      for (const event of appended) {
        expect(event.streamId).toBe(`account-${world.accountId}`);
        expect(event.metadata.actorId).toBe(c.userId);
        expect(event.metadata.supportCaseId).toBe(actsAsSupport(c) ? SUPPORT_CASE : null);
      }
    } else {
      // A denied call appends nothing.
      expect(appended).toEqual([]);
    }
    if (!probe.mutation) expect(appended).toEqual([]);

    if (expected === 'NOT_FOUND') {
      // Reported exactly like an account that does not exist.
      const missing = await send(c, probe.request(randomUUID(), world, target));
      expect(comparable(response)).toEqual(comparable(missing));
    }
    if (probe.mutation && expected !== 'ALLOWED' && target !== '' && covers !== 'createUserGroup') {
      // The group the denied call was about is as it was.
      const group = dataOf(
        await t.gql<{ smartAccount: { group: { name: string; memberCount: number } | null } }>(
          world.ownerToken,
          'query ($id: ID!, $g: ID!) { smartAccount(id: $id) { group(id: $g) { name memberCount } } }',
          { id: world.accountId, g: target },
        ),
      ).smartAccount.group;
      expect(group).toEqual({ name: expect.stringMatching(/^Target \d+$/), memberCount: 1 });
    }
  });

  describe('a member who may not read the users and groups', () => {
    test('sees the group their roles come through (id, name), but not its members', async () => {
      // holder-VIRTUAL_ACCOUNT_USER holds VIRTUAL_ACCOUNT_USER directly: no readMembers. Through
      // this group it also gets VIRTUAL_ACCOUNT_VIEWER on Default, which adds no right to read members.
      const group = await createGroupOk(t, world.ownerToken, world.accountId, 'Viewers Club', {
        memberUserIds: ['holder-VIRTUAL_ACCOUNT_USER', 'member-1'],
        virtualAccountAccess: [access(world.defaultVaId, 'VIRTUAL_ACCOUNT_VIEWER')],
      });
      const token = tokens.get('holder-VIRTUAL_ACCOUNT_USER') as string;
      const roles = dataOf(
        await t.gql<{ smartAccount: { myRoles: Array<{ role: string; viaGroup: Data | null }> } }>(
          token,
          'query ($id: ID!) { smartAccount(id: $id) { myRoles { role viaGroup { id name } } } }',
          { id: world.accountId },
        ),
      ).smartAccount.myRoles;
      expect(roles).toContainEqual({
        role: 'VIRTUAL_ACCOUNT_VIEWER',
        viaGroup: { id: group.id, name: 'Viewers Club' },
      });

      const members = await t.gql<Data>(
        token,
        'query ($id: ID!) { smartAccount(id: $id) { myRoles { viaGroup { members { nodes { profile { userId email } } } } } } }',
        { id: world.accountId },
      );
      expect(errorOf(members).code).toBe('FORBIDDEN');
      expect(JSON.stringify(members.data ?? null)).not.toContain('member-1');

      // Their own direct reads stay denied too.
      const groups = await t.gql<Data>(
        token,
        'query ($id: ID!) { smartAccount(id: $id) { groups { totalCount } } }',
        {
          id: world.accountId,
        },
      );
      expect(errorOf(groups).code).toBe('FORBIDDEN');
    });
  });
});
