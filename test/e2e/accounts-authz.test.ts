import { randomUUID } from 'node:crypto';
import { PERMISSIONS, type Operation, type OperationPermission } from '../../src/domain/account/permissions';
import { ROLES, isVirtualAccountRole, type Role } from '../../src/domain/account/roles';
import type { StoredEvent } from '../../src/eventstore/port';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/app-harness';
import {
  REMOVE_USER,
  SET_USER_ROLES,
  accountRole,
  addUsers,
  addUsersOk,
  appendedDuring,
  createAccount,
  createVirtualAccount,
  dataOf,
  errorOf,
  eventCount,
  vaRole,
  type AddUsersPayloadView,
  type RoleInput,
  type RoleView,
} from './accounts-fixtures';

/**
 * The role × operation matrix of the contract's "Who may do what", generated from the
 * declarative PERMISSIONS table and run over HTTP against the real server.
 */

const SUPPORT_CASE = 'CASE-4711';

/** The rows of PERMISSIONS that Smart Accounts, Virtual Accounts, users and roles cover. */
const ROWS = [
  'readAccount',
  'readMembers',
  'createVirtualAccount',
  'manageUsers',
] as const satisfies Operation[];

/** Operations a row covers that later issues serve; everything else in a row must have a probe below. */
const LATER = new Set(['SmartAccount.externalGroups']);

/**
 * Lists of "the caller's Smart Accounts": they list an account when the caller holds a role in it
 * (the contract's "where the caller has any role"); platform rights to read any account do not list it.
 */
const MEMBERSHIP_LISTS = new Set(['mySmartAccounts', 'searchSmartAccounts']);

interface Caller {
  label: string;
  /** Null: anonymous. */
  userId: string | null;
  /** The role held directly in the account (VIRTUAL_ACCOUNT_* on its Default Virtual Account). */
  role: Role | null;
  platformRoles: string[];
  /** Sends `X-Support-Case`. */
  sendsCase: boolean;
}

const CALLERS: Caller[] = [
  { label: 'anonymous', userId: null, role: null, platformRoles: [], sendsCase: false },
  { label: 'non-member', userId: 'outsider', role: null, platformRoles: [], sendsCase: false },
  {
    label: 'non-member sending X-Support-Case',
    userId: 'outsider',
    role: null,
    platformRoles: [],
    sendsCase: true,
  },
  ...ROLES.map((role): Caller => ({
    label: role,
    userId: `holder-${role}`,
    role,
    platformRoles: [],
    sendsCase: false,
  })),
  {
    label: 'admin of another account',
    userId: 'other-admin',
    role: null,
    platformRoles: [],
    sendsCase: false,
  },
  { label: 'platform auditor', userId: 'auditor', role: null, platformRoles: ['auditor'], sendsCase: false },
  {
    label: 'platform support with X-Support-Case',
    userId: 'support-agent',
    role: null,
    platformRoles: ['support'],
    sendsCase: true,
  },
  {
    label: 'platform support without X-Support-Case',
    userId: 'support-agent',
    role: null,
    platformRoles: ['support'],
    sendsCase: false,
  },
];

const actsAsSupport = (caller: Caller) => caller.platformRoles.includes('support') && caller.sendsCase;

/** Does the row let the caller through on account roles alone? */
function permitsByRole(permission: OperationPermission, caller: Caller): boolean {
  if (caller.role === null) return false;
  return permission.roles === 'ANY_ROLE' || permission.roles.includes(caller.role);
}

/** Does the row let the caller through, platform roles included? */
function permits(permission: OperationPermission, caller: Caller): boolean {
  if (permission.auditor && caller.platformRoles.includes('auditor')) return true;
  if (permission.supportWithCase && actsAsSupport(caller)) return true;
  return permitsByRole(permission, caller);
}

type Outcome = 'ALLOWED' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED';

interface World {
  accountId: string;
  defaultVaId: string;
  ownerToken: string;
}

interface Probe {
  /** As named in the row's `covers`. */
  covers: string;
  mutation: boolean;
  /** Sets up a fresh target user (as the owner) before the call; returns its ID. */
  prepare?(world: World, label: string): Promise<string>;
  request(
    accountId: string,
    world: World,
    target: string,
  ): { query: string; variables: Record<string, unknown> };
  /** For queries without an error: is the account reported as missing? */
  absent?(data: Record<string, unknown>, accountId: string): boolean;
  /** Checks the result of an allowed call. */
  check(data: Record<string, unknown>, world: World, caller: Caller, target: string): void;
}

type Data = Record<string, unknown>;
const field = <T>(data: Data, ...path: string[]): T =>
  path.reduce<unknown>((value, key) => (value as Data | null)?.[key] ?? null, data) as T;

const ACCOUNT_QUERY = (selection: string) => `query ($id: ID!) { smartAccount(id: $id) { id ${selection} } }`;
const accountAbsent = (data: Data) => data.smartAccount === null;

let targets = 0;
const freshTarget = async (t: TestApp, world: World, label: string, add: boolean): Promise<string> => {
  targets += 1;
  const userId = `target-${targets}-${label.replace(/[^A-Za-z0-9]+/g, '-')}`.slice(0, 100);
  await t.signIn(userId);
  if (add) {
    await addUsersOk(
      t,
      world.ownerToken,
      world.accountId,
      [userId],
      [vaRole('VIRTUAL_ACCOUNT_VIEWER', world.defaultVaId)],
    );
  }
  return userId;
};

function probes(t: TestApp): Probe[] {
  return [
    {
      covers: 'smartAccount',
      mutation: false,
      request: (id) => ({ query: ACCOUNT_QUERY('name domainIdentifier'), variables: { id } }),
      absent: accountAbsent,
      check: (data, world) => expect(field(data, 'smartAccount', 'id')).toBe(world.accountId),
    },
    {
      covers: 'mySmartAccounts',
      mutation: false,
      request: () => ({ query: '{ mySmartAccounts { id } }', variables: {} }),
      absent: (data, accountId) =>
        !field<Array<{ id: string }>>(data, 'mySmartAccounts').some((a) => a.id === accountId),
      check: () => undefined,
    },
    {
      covers: 'searchSmartAccounts',
      mutation: false,
      request: () => ({ query: '{ searchSmartAccounts(query: "MATRIX") { id } }', variables: {} }),
      absent: (data, accountId) =>
        !field<Array<{ id: string }>>(data, 'searchSmartAccounts').some((a) => a.id === accountId),
      check: () => undefined,
    },
    {
      covers: 'SmartAccount.virtualAccounts',
      mutation: false,
      request: (id) => ({ query: ACCOUNT_QUERY('virtualAccounts { id isDefault }'), variables: { id } }),
      absent: accountAbsent,
      check: (data, world) =>
        expect(field(data, 'smartAccount', 'virtualAccounts')).toContainEqual({
          id: world.defaultVaId,
          isDefault: true,
        }),
    },
    {
      covers: 'SmartAccount.myRoles',
      mutation: false,
      request: (id) => ({
        query: ACCOUNT_QUERY('myRoles { role virtualAccount { id } viaGroup { id } }'),
        variables: { id },
      }),
      absent: accountAbsent,
      check: (data, world, caller) =>
        expect(field(data, 'smartAccount', 'myRoles')).toEqual(
          caller.role === null
            ? []
            : [
                {
                  role: caller.role,
                  virtualAccount: isVirtualAccountRole(caller.role) ? { id: world.defaultVaId } : null,
                  viaGroup: null,
                },
              ],
        ),
    },
    {
      covers: 'SmartAccount.users',
      mutation: false,
      request: (id) => ({
        query: ACCOUNT_QUERY('users(first: 500) { totalCount nodes { profile { userId } } }'),
        variables: { id },
      }),
      absent: accountAbsent,
      check: (data) => {
        const users = field<{ totalCount: number; nodes: Array<{ profile: { userId: string } }> }>(
          data,
          'smartAccount',
          'users',
        );
        expect(users.nodes.map((n) => n.profile.userId)).toContain('owner');
        expect(users.totalCount).toBe(users.nodes.length);
      },
    },
    {
      covers: 'SmartAccount.user',
      mutation: false,
      request: (id) => ({
        query: ACCOUNT_QUERY('user(userId: "owner") { profile { userId } directRoles { role } }'),
        variables: { id },
      }),
      absent: accountAbsent,
      check: (data) =>
        expect(field(data, 'smartAccount', 'user')).toEqual({
          profile: { userId: 'owner' },
          directRoles: [{ role: 'SMART_ACCOUNT_ADMIN' }],
        }),
    },
    {
      covers: 'SmartAccount.groups',
      mutation: false,
      request: (id) => ({ query: ACCOUNT_QUERY('groups { totalCount nodes { id } }'), variables: { id } }),
      absent: accountAbsent,
      check: (data) => expect(field(data, 'smartAccount', 'groups')).toEqual({ totalCount: 0, nodes: [] }),
    },
    {
      covers: 'SmartAccount.group',
      mutation: false,
      request: (id) => ({
        query: `query ($id: ID!, $group: ID!) { smartAccount(id: $id) { id group(id: $group) { id } } }`,
        variables: { id, group: 'no-such-group' },
      }),
      absent: accountAbsent,
      check: (data) => expect(field(data, 'smartAccount', 'group')).toBeNull(),
    },
    {
      covers: 'createVirtualAccount',
      mutation: true,
      request: (accountId, _world, target) => ({
        query:
          'mutation ($input: CreateVirtualAccountInput!) { createVirtualAccount(input: $input) { id name } }',
        variables: { input: { accountId, name: `VA ${target}` } },
      }),
      prepare: async (_world, label) => `${label} ${++targets}`,
      check: (data, _world, _caller, target) =>
        expect(field(data, 'createVirtualAccount', 'name')).toBe(`VA ${target}`),
    },
    {
      covers: 'addUsers',
      mutation: true,
      prepare: (world, label) => freshTarget(t, world, label, false),
      request: (accountId, world, target) => ({
        query: `mutation ($input: AddUsersInput!) { addUsers(input: $input) { addedCount results { input outcome } } }`,
        variables: {
          input: { accountId, users: [target], roles: [vaRole('VIRTUAL_ACCOUNT_VIEWER', world.defaultVaId)] },
        },
      }),
      check: (data, _world, _caller, target) =>
        expect(data.addUsers).toEqual({ addedCount: 1, results: [{ input: target, outcome: 'ADDED' }] }),
    },
    {
      covers: 'setUserRoles',
      mutation: true,
      prepare: (world, label) => freshTarget(t, world, label, true),
      request: (accountId, world, target) => ({
        query: SET_USER_ROLES,
        variables: {
          input: { accountId, userId: target, roles: [vaRole('VIRTUAL_ACCOUNT_USER', world.defaultVaId)] },
        },
      }),
      check: (data, world, _caller, target) =>
        expect(data.setUserRoles).toEqual({
          profile: { userId: target },
          directRoles: [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: world.defaultVaId } }],
        }),
    },
    {
      covers: 'removeUser',
      mutation: true,
      prepare: (world, label) => freshTarget(t, world, label, true),
      request: (accountId, _world, target) => ({
        query: REMOVE_USER,
        variables: { input: { accountId, userId: target } },
      }),
      check: (data, world, _caller, target) =>
        expect(data.removeUser).toEqual({
          accountId: world.accountId,
          userId: target,
          removedFromGroups: [],
        }),
    },
  ];
}

function observe(response: GraphQLResponse<Data>, probe: Probe, accountId: string): Outcome {
  const code = response.errors?.[0]?.extensions?.code;
  if (code !== undefined) {
    if (code === 'FORBIDDEN' || code === 'NOT_FOUND' || code === 'UNAUTHENTICATED') return code;
    throw new Error(`unexpected error ${JSON.stringify(response.errors)}`);
  }
  if (response.data && probe.absent?.(response.data, accountId)) return 'NOT_FOUND';
  return 'ALLOWED';
}

/** The response without what may differ between two calls (nothing should). */
const comparable = (response: GraphQLResponse<Data>) => ({
  status: response.status,
  data: response.data,
  errors: response.errors,
});

describe('who may do what on a Smart Account, over HTTP (generated from PERMISSIONS)', () => {
  let t: TestApp;
  let world: World;
  const tokens = new Map<string, string>();

  const send = (caller: Caller, request: { query: string; variables: Record<string, unknown> }) => {
    const token = caller.userId === null ? null : (tokens.get(caller.userId) ?? null);
    if (caller.userId !== null && token === null) throw new Error(`${caller.userId} not signed in`);
    const headers: Record<string, string> = caller.sendsCase ? { 'X-Support-Case': SUPPORT_CASE } : {};
    return t.gql<Data>(token, request.query, request.variables, headers);
  };

  beforeAll(async () => {
    t = await startTestApp();
    const everyone = new Map(
      CALLERS.flatMap((c) => (c.userId === null ? [] : [[c.userId, c.platformRoles] as const])),
    );
    everyone.set('owner', []);
    for (const [userId, roles] of everyone) {
      tokens.set(userId, await t.signIn(userId, roles.length > 0 ? { roles } : {}));
    }
    const ownerToken = tokens.get('owner') as string;
    const account = await createAccount(t, ownerToken, 'Matrix Inc', 'matrix.example');
    world = { accountId: account.id, defaultVaId: account.defaultVaId, ownerToken };
    for (const caller of CALLERS) {
      if (caller.role === null || caller.userId === null) continue;
      const scope = isVirtualAccountRole(caller.role) ? account.defaultVaId : null;
      await addUsersOk(
        t,
        ownerToken,
        account.id,
        [caller.userId],
        [{ role: caller.role, virtualAccountId: scope }],
      );
    }
    await createAccount(t, tokens.get('other-admin') as string, 'Other Matrix', 'other-matrix.example');
  });
  afterAll(() => t.stop());

  test('every operation of the covered rows has a probe', () => {
    const probed = new Set(probes(t).map((probe) => probe.covers));
    const covered: string[] = ROWS.flatMap((row) => [...PERMISSIONS[row].covers]);
    expect(covered.filter((name) => !probed.has(name) && !LATER.has(name))).toEqual([]);
    expect([...probed].filter((name) => !covered.includes(name))).toEqual([]);
  });

  const cases = ROWS.flatMap((row) => {
    const permission: OperationPermission = PERMISSIONS[row];
    return permission.covers
      .filter((covers) => !LATER.has(covers))
      .flatMap((covers) =>
        CALLERS.map((caller) => {
          let expected: Outcome;
          if (caller.userId === null) expected = 'UNAUTHENTICATED';
          else if (MEMBERSHIP_LISTS.has(covers))
            expected = permitsByRole(permission, caller) ? 'ALLOWED' : 'NOT_FOUND';
          else if (permits(permission, caller)) expected = 'ALLOWED';
          else if (permits(PERMISSIONS.readAccount, caller)) expected = 'FORBIDDEN';
          else expected = 'NOT_FOUND';
          return { row, covers, caller, expected };
        }),
      );
  });

  test.each(cases)('$row: $covers by $caller.label → $expected', async ({ covers, caller, expected }) => {
    const probe = probes(t).find((p) => p.covers === covers);
    if (!probe) throw new Error(`no probe for ${covers}`);
    const target = (await probe.prepare?.(world, caller.label)) ?? '';
    let response: GraphQLResponse<Data> = { status: 0 };
    const appended = await appendedDuring(t, async () => {
      response = await send(caller, probe.request(world.accountId, world, target));
    });
    // (The response is in the subject so that a failure shows it.)
    expect({ outcome: observe(response, probe, world.accountId), response }).toMatchObject({
      outcome: expected,
    });

    if (expected === 'ALLOWED') {
      probe.check(response.data as Data, world, caller, target);
      if (probe.mutation) {
        expect(appended.length).toBeGreaterThan(0);
        for (const event of appended) {
          expect(event.metadata.actorId).toBe(caller.userId);
          expect(event.metadata.supportCaseId).toBe(actsAsSupport(caller) ? SUPPORT_CASE : null);
        }
      }
    } else {
      // A denied call appends nothing.
      expect(appended).toEqual([]);
    }
    // Nor does a query, allowed or not.
    if (!probe.mutation) expect(appended).toEqual([]);

    if (expected === 'NOT_FOUND' && !MEMBERSHIP_LISTS.has(covers)) {
      // Reported exactly like an account that does not exist.
      const missing = await send(caller, probe.request(randomUUID(), world, target));
      expect(comparable(response)).toEqual(comparable(missing));
    }
  });

  describe('VIRTUAL_ACCOUNT_ADMIN scope', () => {
    let scoped: World & { otherVaId: string; vaAdmin: string };
    const users: Record<string, RoleInput[]> = {};

    beforeAll(async () => {
      const ownerToken = tokens.get('owner') as string;
      const account = await createAccount(t, ownerToken, 'Scoped', 'scoped.example');
      const otherVaId = await createVirtualAccount(t, ownerToken, account.id, 'Other');
      const D = account.defaultVaId;
      Object.assign(users, {
        'va-admin': [vaRole('VIRTUAL_ACCOUNT_ADMIN', D)],
        'on-default': [vaRole('VIRTUAL_ACCOUNT_VIEWER', D)],
        'on-default-2': [vaRole('VIRTUAL_ACCOUNT_USER', D), vaRole('VIRTUAL_ACCOUNT_VIEWER', D)],
        'on-other': [vaRole('VIRTUAL_ACCOUNT_VIEWER', otherVaId)],
        mixed: [vaRole('VIRTUAL_ACCOUNT_VIEWER', D), vaRole('VIRTUAL_ACCOUNT_VIEWER', otherVaId)],
        'account-wide': [accountRole('SMART_ACCOUNT_VIEWER')],
        'other-va-admin': [vaRole('VIRTUAL_ACCOUNT_ADMIN', otherVaId)],
      });
      for (const [userId, roles] of Object.entries(users)) {
        tokens.set(userId, await t.signIn(userId));
        await addUsersOk(t, ownerToken, account.id, [userId], roles);
      }
      for (const userId of ['new-1', 'new-2', 'new-3']) tokens.set(userId, await t.signIn(userId));
      scoped = {
        accountId: account.id,
        defaultVaId: D,
        ownerToken,
        otherVaId,
        vaAdmin: tokens.get('va-admin') as string,
      };
    });

    const directRoles = async (userId: string): Promise<RoleView[] | null> => {
      const data = dataOf(
        await t.gql<{ smartAccount: { user: { directRoles: RoleView[] } | null } }>(
          scoped.ownerToken,
          'query ($id: ID!, $u: ID!) { smartAccount(id: $id) { user(userId: $u) { directRoles { role virtualAccount { id } } } } }',
          { id: scoped.accountId, u: userId },
        ),
      );
      return data.smartAccount.user?.directRoles ?? null;
    };

    test('may add users with VIRTUAL_ACCOUNT_* roles on the Virtual Accounts they administer', async () => {
      const response = await addUsers(t, scoped.vaAdmin, {
        accountId: scoped.accountId,
        users: ['new-1', 'new-2'],
        roles: [
          vaRole('VIRTUAL_ACCOUNT_USER', scoped.defaultVaId),
          vaRole('VIRTUAL_ACCOUNT_ADMIN', scoped.defaultVaId),
        ],
      });
      expect(dataOf(response).addUsers.results.map((r) => r.outcome)).toEqual(['ADDED', 'ADDED']);
      expect(await directRoles('new-1')).toEqual([
        { role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: scoped.defaultVaId } },
        { role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccount: { id: scoped.defaultVaId } },
      ]);
    });

    test('may not grant roles outside their Virtual Accounts: FORBIDDEN, nothing appended (dry runs too)', async () => {
      const outside: RoleInput[][] = [
        [vaRole('VIRTUAL_ACCOUNT_VIEWER', scoped.otherVaId)],
        [
          vaRole('VIRTUAL_ACCOUNT_VIEWER', scoped.defaultVaId),
          vaRole('VIRTUAL_ACCOUNT_VIEWER', scoped.otherVaId),
        ],
        [accountRole('SMART_ACCOUNT_VIEWER')],
        [accountRole('SMART_ACCOUNT_ADMIN')],
      ];
      const appended = await appendedDuring(t, async () => {
        for (const roles of outside) {
          for (const dryRun of [false, true]) {
            const response = await addUsers(t, scoped.vaAdmin, {
              accountId: scoped.accountId,
              users: ['new-3'],
              roles,
              dryRun,
            });
            expect({ roles, dryRun, code: errorOf(response).code }).toEqual({
              roles,
              dryRun,
              code: 'FORBIDDEN',
            });
          }
          const set = await t.gql(scoped.vaAdmin, SET_USER_ROLES, {
            input: { accountId: scoped.accountId, userId: 'on-default', roles },
          });
          expect({ roles, code: errorOf(set).code }).toEqual({ roles, code: 'FORBIDDEN' });
        }
      });
      expect(appended).toEqual([]);
      expect(await directRoles('new-3')).toBeNull();
      expect(await directRoles('on-default')).toEqual([
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: scoped.defaultVaId } },
      ]);
    });

    test('may not change or remove a user with roles elsewhere: FORBIDDEN, nothing appended', async () => {
      const appended = await appendedDuring(t, async () => {
        for (const userId of ['on-other', 'mixed', 'account-wide', 'other-va-admin', 'owner']) {
          const set = await t.gql(scoped.vaAdmin, SET_USER_ROLES, {
            input: {
              accountId: scoped.accountId,
              userId,
              roles: [vaRole('VIRTUAL_ACCOUNT_VIEWER', scoped.defaultVaId)],
            },
          });
          expect({ userId, code: errorOf(set).code }).toEqual({ userId, code: 'FORBIDDEN' });
          const remove = await t.gql(scoped.vaAdmin, REMOVE_USER, {
            input: { accountId: scoped.accountId, userId },
          });
          expect({ userId, code: errorOf(remove).code }).toEqual({ userId, code: 'FORBIDDEN' });
        }
      });
      expect(appended).toEqual([]);
      for (const userId of ['on-other', 'mixed', 'account-wide', 'other-va-admin']) {
        expect((await directRoles(userId))?.length).toBe(users[userId].length);
      }
    });

    test('adding a user who already has roles elsewhere leaves them untouched (ALREADY_MEMBER)', async () => {
      const appended = await appendedDuring(t, async () => {
        const response = await addUsers(t, scoped.vaAdmin, {
          accountId: scoped.accountId,
          users: ['on-other', 'account-wide'],
          roles: [vaRole('VIRTUAL_ACCOUNT_ADMIN', scoped.defaultVaId)],
        });
        const payload: AddUsersPayloadView = dataOf(response).addUsers;
        expect(payload.results.map((r) => r.outcome)).toEqual(['ALREADY_MEMBER', 'ALREADY_MEMBER']);
      });
      expect(appended).toEqual([]);
      expect(await directRoles('on-other')).toEqual([
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: scoped.otherVaId } },
      ]);
    });

    test('may change and remove users whose direct roles all lie on their Virtual Accounts', async () => {
      const set = await t.gql(scoped.vaAdmin, SET_USER_ROLES, {
        input: {
          accountId: scoped.accountId,
          userId: 'on-default-2',
          roles: [vaRole('VIRTUAL_ACCOUNT_ADMIN', scoped.defaultVaId)],
        },
      });
      dataOf(set);
      expect(await directRoles('on-default-2')).toEqual([
        { role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccount: { id: scoped.defaultVaId } },
      ]);
      dataOf(
        await t.gql(scoped.vaAdmin, REMOVE_USER, {
          input: { accountId: scoped.accountId, userId: 'on-default' },
        }),
      );
      expect(await directRoles('on-default')).toBeNull();
    });

    test('the administrator of another Virtual Account may not touch this one', async () => {
      const otherAdmin = tokens.get('other-va-admin') as string;
      const before = await eventCount(t);
      const add = await addUsers(t, otherAdmin, {
        accountId: scoped.accountId,
        users: ['new-3'],
        roles: [vaRole('VIRTUAL_ACCOUNT_VIEWER', scoped.defaultVaId)],
      });
      expect(errorOf(add).code).toBe('FORBIDDEN');
      const remove = await t.gql(otherAdmin, REMOVE_USER, {
        input: { accountId: scoped.accountId, userId: 'new-2' },
      });
      expect(errorOf(remove).code).toBe('FORBIDDEN');
      expect(await eventCount(t)).toBe(before);
    });
  });

  describe('platform support', () => {
    test('events support causes carry the support case; others never do, even when sending the header', async () => {
      const supportToken = tokens.get('support-agent') as string;
      const ownerToken = tokens.get('owner') as string;
      const withCase = { 'X-Support-Case': SUPPORT_CASE };
      const account = await createAccount(t, ownerToken, 'Supported', 'supported.example');
      const user = 'supported-user';
      await t.signIn(user);

      const bySupport: StoredEvent[] = [];
      bySupport.push(
        ...(await appendedDuring(t, async () => {
          dataOf(
            await t.gql(
              supportToken,
              'mutation ($input: CreateVirtualAccountInput!) { createVirtualAccount(input: $input) { id } }',
              { input: { accountId: account.id, name: 'Support VA' } },
              withCase,
            ),
          );
          dataOf(
            await addUsers(
              t,
              supportToken,
              { accountId: account.id, users: [user], roles: [accountRole('SMART_ACCOUNT_ADMIN')] },
              withCase,
            ),
          );
          dataOf(
            await t.gql(
              supportToken,
              SET_USER_ROLES,
              {
                input: {
                  accountId: account.id,
                  userId: 'owner',
                  roles: [accountRole('SMART_ACCOUNT_VIEWER')],
                },
              },
              withCase,
            ),
          );
          dataOf(
            await t.gql(
              supportToken,
              REMOVE_USER,
              { input: { accountId: account.id, userId: 'owner' } },
              withCase,
            ),
          );
        })),
      );
      expect(bySupport.map((e) => e.type)).toEqual([
        'VirtualAccountCreated',
        'UserAdded',
        'UserRolesChanged',
        'UserRemoved',
      ]);
      for (const event of bySupport) {
        expect(event.metadata).toMatchObject({ actorId: 'support-agent', supportCaseId: SUPPORT_CASE });
      }
      // Support still may not break the rules: the last admin stays.
      const before = await eventCount(t);
      const last = await t.gql(
        supportToken,
        REMOVE_USER,
        { input: { accountId: account.id, userId: user } },
        withCase,
      );
      expect(errorOf(last).code).toBe('CONFLICT');

      // Without the header support is an ordinary user, who may not even see the account.
      const without = await t.gql<{ smartAccount: unknown }>(
        supportToken,
        'query ($id: ID!) { smartAccount(id: $id) { id } }',
        { id: account.id },
      );
      expect(dataOf(without).smartAccount).toBeNull();
      expect(await eventCount(t)).toBe(before);

      // An account member's header is ignored: nothing records a case.
      const memberToken = await t.signIn(user);
      const byMember = await appendedDuring(t, async () => {
        dataOf(
          await t.gql(
            memberToken,
            'mutation ($input: CreateVirtualAccountInput!) { createVirtualAccount(input: $input) { id } }',
            { input: { accountId: account.id, name: 'Member VA' } },
            withCase,
          ),
        );
      });
      expect(byMember.map((e) => e.metadata.supportCaseId)).toEqual([null]);
    });
  });
});
