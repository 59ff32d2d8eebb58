import { accountDecider, effectiveRoles, groupIdsOf, type AccountCommand } from '../../../src/domain/account';
import { ACCOUNT, DEFAULT_VA, OPS_VA, SALES_VA, deepFreeze, given, groupCreated } from './fixtures';
import {
  createGroup,
  deleteGroup,
  editMembers,
  membersAdded,
  membersRemoved,
  sendMessage,
  setAccess,
  team,
  updateGroup,
} from './groups-fixtures';

const salesUser = { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' as const };
const withTwoGroups = [...team, groupCreated('g-ops', 'Ops crew', ['dave'], [])];

describe('updateUserGroup', () => {
  test('records only the fields that changed, trimmed', () => {
    given(...team)
      .when(updateGroup({ name: '  Closers ', description: 'Sales people' }))
      .then([
        {
          type: 'GroupUpdated',
          data: { accountId: ACCOUNT, groupId: 'g-sales', name: 'Closers', description: 'Sales people' },
        },
      ]);
    given(...team)
      .when(updateGroup({ description: 'Sales people' }))
      .then([
        {
          type: 'GroupUpdated',
          data: { accountId: ACCOUNT, groupId: 'g-sales', description: 'Sales people' },
        },
      ]);
    given(...team)
      .when(updateGroup({ name: 'Sales team', description: 'Sales people' }))
      .then([
        {
          type: 'GroupUpdated',
          data: { accountId: ACCOUNT, groupId: 'g-sales', description: 'Sales people' },
        },
      ]);
  });

  test('nothing changed: no event', () => {
    given(...team)
      .when(updateGroup({}))
      .thenNothing();
    given(...team)
      .when(updateGroup({ name: ' Sales team ', description: null }))
      .thenNothing();
    given(...team)
      .when(updateGroup({ name: null, description: '  ' }))
      .thenNothing();
  });

  test('a null or blank description clears it; an absent one keeps it', () => {
    const described = [
      ...team,
      {
        type: 'GroupUpdated' as const,
        data: { accountId: ACCOUNT, groupId: 'g-sales', description: 'Sales people' },
      },
    ];
    given(...described)
      .when(updateGroup({ description: null }))
      .then([{ type: 'GroupUpdated', data: { accountId: ACCOUNT, groupId: 'g-sales', description: null } }]);
    given(...described)
      .when(updateGroup({ description: ' ' }))
      .then([{ type: 'GroupUpdated', data: { accountId: ACCOUNT, groupId: 'g-sales', description: null } }]);
    given(...described)
      .when(updateGroup({ name: 'Closers' }))
      .then([{ type: 'GroupUpdated', data: { accountId: ACCOUNT, groupId: 'g-sales', name: 'Closers' } }]);
  });

  test('an unknown group is NOT_FOUND', () => {
    given(...team)
      .when(updateGroup({ groupId: 'g-nope', name: 'X' }))
      .thenError('NOT_FOUND');
    expect(() =>
      given(...team)
        .when(updateGroup({ groupId: 'g-nope', name: 'X' }))
        .events(),
    ).toThrow('User group not found');
  });

  test.each(['Ops crew', 'OPS CREW', ' ops Crew '])(
    "renaming to another group's name in any case (%j) is a CONFLICT",
    (name) => {
      given(...withTwoGroups)
        .when(updateGroup({ name }))
        .thenError('CONFLICT', { field: 'name', groupId: 'g-ops' });
    },
  );

  test('changing only the case of its own name is allowed', () => {
    given(...withTwoGroups)
      .when(updateGroup({ name: 'SALES TEAM' }))
      .then([{ type: 'GroupUpdated', data: { accountId: ACCOUNT, groupId: 'g-sales', name: 'SALES TEAM' } }]);
  });

  test('names and descriptions are bounded', () => {
    given(...team)
      .when(updateGroup({ name: '   ' }))
      .thenError('BAD_USER_INPUT', { field: 'name' });
    given(...team)
      .when(updateGroup({ name: 'n'.repeat(101) }))
      .thenError('BAD_USER_INPUT', { field: 'name' });
    given(...team)
      .when(updateGroup({ description: 'd'.repeat(1001) }))
      .thenError('BAD_USER_INPUT', { field: 'description' });
  });

  test('after a rename the old name is free and the new one taken', () => {
    const renamed = given(...withTwoGroups)
      .when(updateGroup({ name: 'Closers' }))
      .events();
    expect(
      given(...withTwoGroups, ...renamed)
        .when(createGroup({ name: 'sales TEAM' }))
        .events(),
    ).toHaveLength(1);
    given(...withTwoGroups, ...renamed)
      .when(updateGroup({ groupId: 'g-ops', name: 'closers' }))
      .thenError('CONFLICT', { field: 'name' });
  });
});

describe('editUserGroupMembers', () => {
  test('adds and removes in one decision', () => {
    given(...team)
      .when(editMembers(['dave', 'alice'], ['bob']))
      .then([membersAdded('g-sales', ['dave', 'alice']), membersRemoved('g-sales', ['bob'])]);
  });

  test('only users not yet members are added; only current members are removed', () => {
    given(...team)
      .when(editMembers(['bob', 'dave', 'dave'], ['alice', 'carol', 'carol', 'mallory']))
      .then([membersAdded('g-sales', ['dave']), membersRemoved('g-sales', ['carol'])]);
  });

  test('nothing changes: no event', () => {
    given(...team)
      .when(editMembers([], []))
      .thenNothing();
    given(...team)
      .when(editMembers(['bob', 'carol'], ['dave', 'alice']))
      .thenNothing();
  });

  test('added users must be users of the account: BAD_USER_INPUT on add naming them', () => {
    given(...team)
      .when(editMembers(['dave', 'mallory', '__proto__'], []))
      .thenError('BAD_USER_INPUT', { field: 'add', userIds: ['mallory', '__proto__'] });
  });

  test('a user both added and removed is BAD_USER_INPUT', () => {
    given(...team)
      .when(editMembers(['dave', 'bob'], ['bob']))
      .thenError('BAD_USER_INPUT', { userIds: ['bob'] });
  });

  test('an unknown group is NOT_FOUND', () => {
    given(...team)
      .when(editMembers(['dave'], [], 'g-nope'))
      .thenError('NOT_FOUND');
  });

  test("membership changes change the members' effective roles immediately", () => {
    const edited = given(...team)
      .when(editMembers(['dave'], ['bob']))
      .events();
    const state = given(...team, ...edited).state();
    expect(effectiveRoles(state, 'dave')).toContainEqual({ ...salesUser, viaGroupId: 'g-sales' });
    expect(effectiveRoles(state, 'bob')).toEqual([
      { role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null, viaGroupId: null },
    ]);
    expect(groupIdsOf(state, 'bob')).toEqual([]);
  });
});

describe('setUserGroupAccess', () => {
  test("replaces the group's access, recording the previous", () => {
    given(...team)
      .when(
        setAccess([
          { virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' },
          { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' },
        ]),
      )
      .then([
        {
          type: 'GroupAccessChanged',
          data: {
            accountId: ACCOUNT,
            groupId: 'g-sales',
            access: [
              { virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' },
              { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' },
            ],
            previousAccess: [salesUser],
          },
        },
      ]);
  });

  test('an empty list takes all access away', () => {
    given(...team)
      .when(setAccess([]))
      .then([
        {
          type: 'GroupAccessChanged',
          data: { accountId: ACCOUNT, groupId: 'g-sales', access: [], previousAccess: [salesUser] },
        },
      ]);
  });

  test('the same set, in any order, changes nothing', () => {
    given(...team)
      .when(setAccess([salesUser]))
      .thenNothing();
    const twoVas = [
      ...team,
      groupCreated(
        'g-two',
        'Two',
        [],
        [salesUser, { virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
      ),
    ];
    given(...twoVas)
      .when(setAccess([{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }, salesUser], 'g-two'))
      .thenNothing();
  });

  test('validated like on create, on the access field', () => {
    given(...team)
      .when(setAccess([{ virtualAccountId: 'va-elsewhere', role: 'VIRTUAL_ACCOUNT_USER' }]))
      .thenError('BAD_USER_INPUT', { field: 'access' });
    given(...team)
      .when(setAccess([{ virtualAccountId: SALES_VA, role: 'SMART_ACCOUNT_ADMIN' }]))
      .thenError('BAD_USER_INPUT', { field: 'access' });
    given(...team)
      .when(
        setAccess([
          { virtualAccountId: DEFAULT_VA, role: 'VIRTUAL_ACCOUNT_USER' },
          { virtualAccountId: DEFAULT_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' },
        ]),
      )
      .thenError('BAD_USER_INPUT', { field: 'access' });
  });

  test('an unknown group is NOT_FOUND', () => {
    given(...team)
      .when(setAccess([salesUser], 'g-nope'))
      .thenError('NOT_FOUND');
  });

  test("the members' effective roles follow the access immediately", () => {
    const changed = given(...team)
      .when(setAccess([{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }]))
      .events();
    expect(effectiveRoles(given(...team, ...changed).state(), 'bob')).toEqual([
      { role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null, viaGroupId: null },
      { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: OPS_VA, viaGroupId: 'g-sales' },
    ]);
  });
});

describe('deleteUserGroup', () => {
  test('records the name, members and access it had', () => {
    given(...team)
      .when(deleteGroup())
      .then([
        {
          type: 'GroupDeleted',
          data: {
            accountId: ACCOUNT,
            groupId: 'g-sales',
            name: 'Sales team',
            memberIds: ['bob', 'carol'],
            access: [salesUser],
          },
        },
      ]);
  });

  test('deleting a group removes the access it carried', () => {
    const before = given(...team).state();
    expect(effectiveRoles(before, 'bob')).toContainEqual({ ...salesUser, viaGroupId: 'g-sales' });
    expect(effectiveRoles(before, 'carol')).toContainEqual({ ...salesUser, viaGroupId: 'g-sales' });

    const deleted = given(...team)
      .when(deleteGroup())
      .events();
    const after = given(...team, ...deleted).state();
    expect(effectiveRoles(after, 'bob')).toEqual([
      { role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null, viaGroupId: null },
    ]);
    expect(effectiveRoles(after, 'carol')).toEqual([
      { role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: OPS_VA, viaGroupId: null },
    ]);
    expect(groupIdsOf(after, 'bob')).toEqual([]);
  });

  test('an unknown or already deleted group is NOT_FOUND', () => {
    given(...team)
      .when(deleteGroup('g-nope'))
      .thenError('NOT_FOUND');
    const deleted = given(...team)
      .when(deleteGroup())
      .events();
    given(...team, ...deleted)
      .when(deleteGroup())
      .thenError('NOT_FOUND');
    given(...team, ...deleted)
      .when(editMembers(['dave'], []))
      .thenError('NOT_FOUND');
  });
});

describe('group commands never change the state they decide on', () => {
  test.each<[string, AccountCommand]>([
    ['create', createGroup({ memberUserIds: ['bob'], virtualAccountAccess: [salesUser] })],
    ['update', updateGroup({ name: 'Closers', description: 'x' })],
    ['edit members', editMembers(['dave'], ['bob'])],
    ['set access', setAccess([{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }])],
    ['delete', deleteGroup()],
    ['send a message', sendMessage()],
  ])('%s', (_label, command) => {
    const state = deepFreeze(given(...team).state());
    expect(accountDecider.decide(command, state).length).toBeGreaterThan(0);
  });
});
