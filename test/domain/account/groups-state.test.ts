import { effectiveRoles, groupIdsOf, type AccountEvent } from '../../../src/domain/account';
import {
  ACCOUNT,
  OPS_VA,
  SALES_VA,
  given,
  groupCreated,
  on,
  userAdded,
  whole,
  withVirtualAccounts,
} from './fixtures';

const team: AccountEvent[] = [
  ...withVirtualAccounts,
  userAdded('bob', [whole('SMART_ACCOUNT_VIEWER')]),
  userAdded('carol', [on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA)]),
  groupCreated(
    'g-sales',
    'Sales team',
    ['bob'],
    [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }],
  ),
];

describe('groups in the account state', () => {
  test("a group's access becomes its members' effective roles, marked with the group", () => {
    expect(effectiveRoles(given(...team).state(), 'bob')).toEqual([
      { role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null, viaGroupId: null },
      { role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA, viaGroupId: 'g-sales' },
    ]);
    expect(effectiveRoles(given(...team).state(), 'carol')).toEqual([
      { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: OPS_VA, viaGroupId: null },
    ]);
  });

  test('members come and go; access changes follow', () => {
    const state = given(
      ...team,
      {
        type: 'GroupMembersAdded',
        data: { accountId: ACCOUNT, groupId: 'g-sales', userIds: ['carol', 'bob'] },
      },
      { type: 'GroupMembersRemoved', data: { accountId: ACCOUNT, groupId: 'g-sales', userIds: ['bob'] } },
      {
        type: 'GroupAccessChanged',
        data: {
          accountId: ACCOUNT,
          groupId: 'g-sales',
          access: [{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }],
          previousAccess: [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }],
        },
      },
    ).state();
    expect(state.groups['g-sales'].memberIds).toEqual(['carol']);
    expect(groupIdsOf(state, 'bob')).toEqual([]);
    expect(effectiveRoles(state, 'carol')).toContainEqual({
      role: 'VIRTUAL_ACCOUNT_ADMIN',
      virtualAccountId: OPS_VA,
      viaGroupId: 'g-sales',
    });
  });

  test('renaming keeps the case-insensitive name index in step', () => {
    const state = given(...team, {
      type: 'GroupUpdated',
      data: { accountId: ACCOUNT, groupId: 'g-sales', name: 'Closers' },
    }).state();
    expect(state.groups['g-sales']).toMatchObject({ name: 'Closers', nameKey: 'closers', description: null });
    expect(state.groupNames).toEqual({ closers: 'g-sales' });
  });

  test('deleting a group takes away the access it carried', () => {
    const state = given(...team, {
      type: 'GroupDeleted',
      data: {
        accountId: ACCOUNT,
        groupId: 'g-sales',
        name: 'Sales team',
        memberIds: ['bob'],
        access: [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }],
      },
    }).state();
    expect(state.groups['g-sales']).toBeUndefined();
    expect(state.groupNames).toEqual({});
    expect(effectiveRoles(state, 'bob')).toEqual([
      { role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null, viaGroupId: null },
    ]);
  });

  test('user IDs and group names that look like object internals are plain keys', () => {
    const state = given(
      ...withVirtualAccounts,
      userAdded('__proto__', [whole('SMART_ACCOUNT_VIEWER')]),
      groupCreated('g-x', 'constructor', ['__proto__'], []),
    ).state();
    expect(Object.keys(state.users)).toContain('__proto__');
    expect(state.groupNames.constructor).toBe('g-x');
    expect(effectiveRoles(state, 'toString')).toEqual([]);
  });
});
