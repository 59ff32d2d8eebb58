import {
  OPERATIONS,
  PERMISSIONS,
  authorize,
  can,
  type AccountCommand,
  type AddUsersCommand,
  type Operation,
} from '../../../src/domain/account';
import type { Actor } from '../../../src/domain/decider';
import { DomainError } from '../../../src/domain/errors';
import {
  ACCOUNT,
  DEFAULT_VA,
  OPS_VA,
  SALES_VA,
  actor,
  at,
  given,
  groupCreated,
  on,
  userAdded,
  whole,
  withVirtualAccounts,
} from './fixtures';

const members = [
  ...withVirtualAccounts,
  userAdded('viewer', [whole('SMART_ACCOUNT_VIEWER')]),
  userAdded('approver', [whole('SMART_ACCOUNT_APPROVER')]),
  userAdded('salesAdmin', [on('VIRTUAL_ACCOUNT_ADMIN', SALES_VA)]),
  userAdded('opsUser', [on('VIRTUAL_ACCOUNT_USER', OPS_VA)]),
  userAdded('salesUser', [on('VIRTUAL_ACCOUNT_USER', SALES_VA)]),
  groupCreated(
    'g-ops-admins',
    'Ops admins',
    ['opsUser'],
    [{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }],
  ),
];
const state = () => given(...members).state();

const support = actor('sue', { platformRoles: ['support'], supportCaseId: 'CASE-1' });
const supportWithoutCase = actor('sue', { platformRoles: ['support'] });
const auditor = actor('audrey', { platformRoles: ['auditor'] });

const addUsers = (by: Actor, roles: AddUsersCommand['data']['roles'], dryRun = false): AccountCommand => ({
  type: 'AddUsers',
  data: {
    entries: [{ input: 'newbie', line: null, userId: 'newbie', problem: null }],
    roles,
    notify: false,
    dryRun,
    idempotencyKey: null,
  },
  metadata: { actor: by, at },
});
const setRoles = (by: Actor, userId: string, roles: AddUsersCommand['data']['roles']): AccountCommand => ({
  type: 'SetUserRoles',
  data: { userId, roles },
  metadata: { actor: by, at },
});
const removeUser = (by: Actor, userId: string): AccountCommand => ({
  type: 'RemoveUser',
  data: { userId, notify: false },
  metadata: { actor: by, at },
});

function errorOf(run: () => unknown): DomainError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
}

describe('authorize', () => {
  test('a missing account is NOT_FOUND for everyone, auditors and support included', () => {
    for (const who of [actor('alice'), support, auditor]) {
      const error = errorOf(() => authorize(given().state(), who, 'readAccount'));
      expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Smart Account not found' });
    }
  });

  test('a non-member gets exactly the missing-account error', () => {
    const error = errorOf(() => authorize(state(), actor('mallory'), 'manageUsers'));
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Smart Account not found', extensions: {} });
  });

  test('a member without the role is FORBIDDEN', () => {
    expect(errorOf(() => authorize(state(), actor('viewer'), 'manageUsers'))?.code).toBe('FORBIDDEN');
  });

  test.each<[string, Operation, boolean]>([
    ['viewer', 'readAccount', true],
    ['viewer', 'readMembers', true],
    ['approver', 'readMembers', false],
    ['salesAdmin', 'readMembers', true],
    ['salesUser', 'readMembers', false],
    ['salesUser', 'readAccount', true],
    ['viewer', 'readHistory', false],
    ['alice', 'readHistory', true],
    ['alice', 'manageGroups', true],
    ['salesAdmin', 'manageUsers', true],
    ['salesAdmin', 'createVirtualAccount', false],
    ['opsUser', 'manageUsers', true], // VIRTUAL_ACCOUNT_ADMIN of Ops through a group
  ])('%s may %s: %s', (userId, operation, allowed) => {
    expect(can(state(), actor(userId), operation)).toBe(allowed);
  });

  test('support with a case acts as SMART_ACCOUNT_ADMIN; without one is an ordinary user', () => {
    for (const operation of OPERATIONS) expect(can(state(), support, operation)).toBe(true);
    for (const operation of OPERATIONS) expect(can(state(), supportWithoutCase, operation)).toBe(false);
  });

  test('an auditor reads everything and changes nothing', () => {
    for (const operation of OPERATIONS) {
      expect(can(state(), auditor, operation)).toBe(PERMISSIONS[operation].auditor);
    }
    expect(can(state(), auditor, 'readHistory')).toBe(true);
    expect(can(state(), auditor, 'manageUsers')).toBe(false);
  });

  test('external group grants count through the extra-assignments hook', () => {
    const external = [
      { role: 'VIRTUAL_ACCOUNT_VIEWER' as const, virtualAccountId: DEFAULT_VA, viaGroupId: 'g-far' },
    ];
    // The hook's roles count only while a grant of this account gives them.
    const state = () =>
      given(...members, {
        type: 'ExternalGroupAccessGranted',
        data: {
          accountId: ACCOUNT,
          requestId: 'req-far',
          lookupId: 'FAR00-00000',
          requesterId: 'far-admin',
          groupId: 'g-far',
          groupName: 'Far',
          fromAccountId: 'acc-far',
          fromAccountName: 'Far Away',
          access: [{ virtualAccountId: DEFAULT_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
          message: null,
          grantedAt: at,
          grantedBy: 'alice',
        },
      }).state();
    expect(can(state(), actor('outsider'), 'readAccount')).toBe(false);
    expect(can(state(), actor('outsider'), 'readAccount', external)).toBe(true);
  });
});

describe('the permission table', () => {
  test('support with a case may exactly what a SMART_ACCOUNT_ADMIN may', () => {
    for (const operation of OPERATIONS) {
      const { roles, supportWithCase } = PERMISSIONS[operation];
      expect(supportWithCase).toBe(
        roles === 'ANY_ROLE' || roles.some((role) => role === 'SMART_ACCOUNT_ADMIN'),
      );
    }
  });

  test('every operation covers at least one contract entry, none twice', () => {
    const covered = OPERATIONS.flatMap((operation) => PERMISSIONS[operation].covers);
    expect(new Set(covered).size).toBe(covered.length);
    for (const operation of OPERATIONS) expect(PERMISSIONS[operation].covers.length).toBeGreaterThan(0);
  });
});

describe('who may manage users', () => {
  const salesUserRole = [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA }];

  test('a non-member is told the account does not exist', () => {
    given(...members)
      .when(addUsers(actor('mallory'), salesUserRole))
      .thenError('NOT_FOUND');
    given(...members)
      .when(removeUser(actor('mallory'), 'viewer'))
      .thenError('NOT_FOUND');
  });

  test('a viewer is FORBIDDEN, also for a dry run', () => {
    given(...members)
      .when(addUsers(actor('viewer'), salesUserRole))
      .thenError('FORBIDDEN');
    given(...members)
      .when(addUsers(actor('viewer'), salesUserRole, true))
      .thenError('FORBIDDEN');
  });

  test('an auditor cannot change anything', () => {
    given(...members)
      .when(addUsers(auditor, salesUserRole))
      .thenError('FORBIDDEN');
    given(...members)
      .when(removeUser(auditor, 'viewer'))
      .thenError('FORBIDDEN');
  });

  test('support with a case adds like an admin; the event names the support user', () => {
    const [event] = given(...members)
      .when(addUsers(support, [{ role: 'SMART_ACCOUNT_ADMIN' }]))
      .events();
    expect(event).toMatchObject({ type: 'UserAdded', data: { userId: 'newbie', addedBy: 'sue' } });
  });

  test('support without a case is an ordinary user', () => {
    given(...members)
      .when(addUsers(supportWithoutCase, salesUserRole))
      .thenError('NOT_FOUND');
  });

  test('a VIRTUAL_ACCOUNT_ADMIN adds VIRTUAL_ACCOUNT_* roles on the Virtual Accounts they administer', () => {
    expect(
      given(...members)
        .when(addUsers(actor('salesAdmin'), salesUserRole))
        .events(),
    ).toHaveLength(1);
  });

  test.each<[string, AddUsersCommand['data']['roles']]>([
    ['a SMART_ACCOUNT_* role', [{ role: 'SMART_ACCOUNT_VIEWER' }]],
    [
      'a role on a Virtual Account they do not administer',
      [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: OPS_VA }],
    ],
    [
      'a batch that mixes in one such role',
      [
        { role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA },
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: DEFAULT_VA },
      ],
    ],
  ])('a VIRTUAL_ACCOUNT_ADMIN may not grant %s (whole batch FORBIDDEN, dry run too)', (_label, roles) => {
    given(...members)
      .when(addUsers(actor('salesAdmin'), roles))
      .thenError('FORBIDDEN');
    given(...members)
      .when(addUsers(actor('salesAdmin'), roles, true))
      .thenError('FORBIDDEN');
  });

  test('VIRTUAL_ACCOUNT_ADMIN through a group counts', () => {
    const opsViewer = [{ role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: OPS_VA }];
    expect(
      given(...members)
        .when(addUsers(actor('opsUser'), opsViewer))
        .events(),
    ).toHaveLength(1);
    const withOpsViewer = [...members, userAdded('opsViewer', [on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA)])];
    const opsAdmin = [{ role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccountId: OPS_VA }];
    expect(
      given(...withOpsViewer)
        .when(setRoles(actor('opsUser'), 'opsViewer', opsAdmin))
        .events(),
    ).toHaveLength(1);
    given(...members)
      .when(addUsers(actor('opsUser'), salesUserRole))
      .thenError('FORBIDDEN');
  });

  test('a VIRTUAL_ACCOUNT_ADMIN changes and removes only users whose direct roles all lie in their Virtual Accounts', () => {
    const salesViewer = [{ role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: SALES_VA }];
    expect(
      given(...members)
        .when(setRoles(actor('salesAdmin'), 'salesUser', salesViewer))
        .events(),
    ).toHaveLength(1);
    expect(
      given(...members)
        .when(removeUser(actor('salesAdmin'), 'salesUser'))
        .events(),
    ).toHaveLength(1);
    given(...members)
      .when(setRoles(actor('salesAdmin'), 'viewer', salesViewer))
      .thenError('FORBIDDEN');
    given(...members)
      .when(removeUser(actor('salesAdmin'), 'viewer'))
      .thenError('FORBIDDEN');
    given(...members)
      .when(removeUser(actor('salesAdmin'), 'opsUser'))
      .thenError('FORBIDDEN');
    given(...members)
      .when(setRoles(actor('salesAdmin'), 'salesUser', [{ role: 'SMART_ACCOUNT_VIEWER' }]))
      .thenError('FORBIDDEN');
  });
});
