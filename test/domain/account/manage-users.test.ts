import type { AccountCommand, RoleAssignmentInput } from '../../../src/domain/account';
import {
  ACCOUNT,
  SALES_VA,
  actor,
  alice,
  at,
  created,
  given,
  groupCreated,
  on,
  userAdded,
  whole,
  withVirtualAccounts,
} from './fixtures';

const setRoles = (userId: string, roles: RoleAssignmentInput[], by = alice): AccountCommand => ({
  type: 'SetUserRoles',
  data: { userId, roles },
  metadata: { actor: by, at },
});
const removeUser = (userId: string, notify = false, by = alice): AccountCommand => ({
  type: 'RemoveUser',
  data: { userId, notify },
  metadata: { actor: by, at },
});

const withBob = [...withVirtualAccounts, userAdded('bob', [whole('SMART_ACCOUNT_VIEWER')])];

describe('setUserRoles', () => {
  test("replaces the user's direct roles", () => {
    given(...withBob)
      .when(setRoles('bob', [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA }]))
      .then([
        {
          type: 'UserRolesChanged',
          data: {
            accountId: ACCOUNT,
            userId: 'bob',
            roles: [on('VIRTUAL_ACCOUNT_USER', SALES_VA)],
            previousRoles: [whole('SMART_ACCOUNT_VIEWER')],
          },
        },
      ]);
  });

  test('the same roles change nothing', () => {
    given(...withBob)
      .when(setRoles('bob', [{ role: 'SMART_ACCOUNT_VIEWER' }]))
      .thenNothing();
  });

  test('someone who is not a user is NOT_FOUND', () => {
    given(...withBob)
      .when(setRoles('carol', [{ role: 'SMART_ACCOUNT_VIEWER' }]))
      .thenError('NOT_FOUND');
  });

  test('roles are validated', () => {
    given(...withBob)
      .when(setRoles('bob', [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: SALES_VA }]))
      .thenError('BAD_USER_INPUT', { field: 'roles' });
    given(...withBob)
      .when(setRoles('bob', []))
      .thenError('BAD_USER_INPUT', { field: 'roles' });
  });

  test('demoting the last SMART_ACCOUNT_ADMIN is a CONFLICT', () => {
    given(...created)
      .when(setRoles('alice', [{ role: 'SMART_ACCOUNT_VIEWER' }]))
      .thenError('CONFLICT');
  });

  test('with two admins, one may be demoted, even by themselves', () => {
    const twoAdmins = [...withBob, userAdded('ann', [whole('SMART_ACCOUNT_ADMIN')])];
    expect(
      given(...twoAdmins)
        .when(setRoles('alice', [{ role: 'SMART_ACCOUNT_VIEWER' }]))
        .events(),
    ).toHaveLength(1);
    expect(given(...twoAdmins).state().adminCount).toBe(2);
  });

  test('the last admin may change roles as long as SMART_ACCOUNT_ADMIN stays', () => {
    const roles = [
      { role: 'SMART_ACCOUNT_ADMIN' },
      { role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA },
    ];
    expect(
      given(...withBob)
        .when(setRoles('alice', roles))
        .events(),
    ).toHaveLength(1);
  });

  test('the admin count follows role changes', () => {
    const promoted = given(...withBob)
      .when(setRoles('bob', [{ role: 'SMART_ACCOUNT_ADMIN' }]))
      .events();
    expect(given(...withBob, ...promoted).state().adminCount).toBe(2);
    given(...withBob, ...promoted)
      .when(setRoles('alice', [{ role: 'SMART_ACCOUNT_USER' }]))
      .then([
        {
          type: 'UserRolesChanged',
          data: {
            accountId: ACCOUNT,
            userId: 'alice',
            roles: [whole('SMART_ACCOUNT_USER')],
            previousRoles: [whole('SMART_ACCOUNT_ADMIN')],
          },
        },
      ]);
  });
});

describe('removeUser', () => {
  test('removes the user, naming every group they leave', () => {
    const events = [
      ...withBob,
      userAdded('carol', [whole('SMART_ACCOUNT_USER')]),
      groupCreated('g-1', 'Team one', ['bob', 'carol'], []),
      groupCreated('g-2', 'Team two', ['carol'], []),
      groupCreated(
        'g-3',
        'Team three',
        ['bob'],
        [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }],
      ),
    ];
    const removal = {
      type: 'UserRemoved' as const,
      data: {
        accountId: ACCOUNT,
        userId: 'bob',
        previousRoles: [whole('SMART_ACCOUNT_VIEWER')],
        removedFromGroups: ['g-1', 'g-3'],
        notify: true,
      },
    };
    given(...events)
      .when(removeUser('bob', true))
      .then([removal]);

    const after = given(...events, removal).state();
    expect(after.users.bob).toBeUndefined();
    expect(after.groups['g-1'].memberIds).toEqual(['carol']);
    expect(after.groups['g-3'].memberIds).toEqual([]);
    expect(after.groups['g-2'].memberIds).toEqual(['carol']);
  });

  test('someone who is not a user is NOT_FOUND', () => {
    given(...withBob)
      .when(removeUser('carol'))
      .thenError('NOT_FOUND');
  });

  test('removing the last SMART_ACCOUNT_ADMIN is a CONFLICT', () => {
    given(...withBob)
      .when(removeUser('alice'))
      .thenError('CONFLICT');
  });

  test('with two admins, one may go; then the other is the last', () => {
    const twoAdmins = [...withBob, userAdded('ann', [whole('SMART_ACCOUNT_ADMIN')])];
    const removed = given(...twoAdmins)
      .when(removeUser('alice'))
      .events();
    expect(removed).toHaveLength(1);
    expect(given(...twoAdmins, ...removed).state().adminCount).toBe(1);
    given(...twoAdmins, ...removed)
      .when(removeUser('ann', false, actor('ann')))
      .thenError('CONFLICT');
  });

  test('a removed user has no access left', () => {
    const removed = given(...withBob)
      .when(removeUser('bob'))
      .events();
    given(...withBob, ...removed)
      .when(setRoles('bob', [{ role: 'SMART_ACCOUNT_VIEWER' }], actor('bob')))
      .thenError('NOT_FOUND');
  });
});
