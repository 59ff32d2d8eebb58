import { effectiveRoles } from '../../../src/domain/account';
import { ACCOUNT, DEFAULT_VA, OPS_VA, SALES_VA, at, given } from './fixtures';
import { createGroup, team } from './groups-fixtures';

describe('createUserGroup', () => {
  test('creates the group with its trimmed name, description, members and access', () => {
    given(...team)
      .when(
        createGroup({
          name: '  Ops crew  ',
          description: '  Night shift  ',
          memberUserIds: ['carol', 'dave'],
          virtualAccountAccess: [
            { virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' },
            { virtualAccountId: DEFAULT_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' },
          ],
        }),
      )
      .then([
        {
          type: 'GroupCreated',
          data: {
            accountId: ACCOUNT,
            groupId: 'g-new',
            name: 'Ops crew',
            description: 'Night shift',
            memberIds: ['carol', 'dave'],
            access: [
              { virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' },
              { virtualAccountId: DEFAULT_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' },
            ],
            createdAt: at,
          },
        },
      ]);
  });

  test('a group may start empty, without description, members or access', () => {
    given(...team)
      .when(createGroup({ description: '   ' }))
      .then([
        {
          type: 'GroupCreated',
          data: {
            accountId: ACCOUNT,
            groupId: 'g-new',
            name: 'New group',
            description: null,
            memberIds: [],
            access: [],
            createdAt: at,
          },
        },
      ]);
  });

  test('repeated members are recorded once, first occurrence first', () => {
    const [event] = given(...team)
      .when(createGroup({ memberUserIds: ['dave', 'bob', 'dave', 'bob'] }))
      .events();
    expect(event).toMatchObject({ type: 'GroupCreated', data: { memberIds: ['dave', 'bob'] } });
  });

  test('the members receive the access at once', () => {
    const events = given(...team)
      .when(
        createGroup({
          memberUserIds: ['bob'],
          virtualAccountAccess: [{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
        }),
      )
      .events();
    expect(effectiveRoles(given(...team, ...events).state(), 'bob')).toContainEqual({
      role: 'VIRTUAL_ACCOUNT_VIEWER',
      virtualAccountId: OPS_VA,
      viaGroupId: 'g-new',
    });
  });

  describe('names', () => {
    test.each(['', '   '])('an empty name (%j) is BAD_USER_INPUT', (name) => {
      given(...team)
        .when(createGroup({ name }))
        .thenError('BAD_USER_INPUT', { field: 'name' });
    });

    test('names are 1 to 100 characters, counted after trimming', () => {
      expect(
        given(...team)
          .when(createGroup({ name: ` ${'n'.repeat(100)} ` }))
          .events(),
      ).toHaveLength(1);
      given(...team)
        .when(createGroup({ name: 'n'.repeat(101) }))
        .thenError('BAD_USER_INPUT', { field: 'name' });
    });

    test.each(['Sales team', 'SALES TEAM', '  sales Team '])(
      'a name taken by another group in any case (%j) is a CONFLICT',
      (name) => {
        given(...team)
          .when(createGroup({ name }))
          .thenError('CONFLICT', { field: 'name', groupId: 'g-sales' });
      },
    );

    test('a name is free again once its group is deleted', () => {
      const deleted = {
        type: 'GroupDeleted' as const,
        data: { accountId: ACCOUNT, groupId: 'g-sales', name: 'Sales team', memberIds: [], access: [] },
      };
      expect(
        given(...team, deleted)
          .when(createGroup({ name: 'sales team' }))
          .events(),
      ).toHaveLength(1);
    });

    test('the same name in another account is no concern of this one', () => {
      // State is per account: a fresh account has no groups yet.
      expect(
        given(...team.filter((event) => event.type !== 'GroupCreated'))
          .when(createGroup({ name: 'Sales team' }))
          .events(),
      ).toHaveLength(1);
    });
  });

  test('a description is at most 1000 characters', () => {
    given(...team)
      .when(createGroup({ description: 'd'.repeat(1001) }))
      .thenError('BAD_USER_INPUT', { field: 'description' });
    expect(
      given(...team)
        .when(createGroup({ description: 'd'.repeat(1000) }))
        .events(),
    ).toHaveLength(1);
  });

  test('an existing group ID is a CONFLICT', () => {
    given(...team)
      .when(createGroup({ groupId: 'g-sales', name: 'Another name' }))
      .thenError('CONFLICT');
  });

  describe('members must be users of the account', () => {
    test('someone who is not a user is BAD_USER_INPUT on memberUserIds, naming every offender', () => {
      given(...team)
        .when(createGroup({ memberUserIds: ['bob', 'mallory', 'trent', 'mallory'] }))
        .thenError('BAD_USER_INPUT', { field: 'memberUserIds', userIds: ['mallory', 'trent'] });
    });

    test('the message names the offenders', () => {
      expect(() =>
        given(...team)
          .when(createGroup({ memberUserIds: ['mallory'] }))
          .events(),
      ).toThrow(/mallory/);
    });

    test('a removed user is no longer a user', () => {
      const removed = {
        type: 'UserRemoved' as const,
        data: {
          accountId: ACCOUNT,
          userId: 'bob',
          previousRoles: [],
          removedFromGroups: ['g-sales'],
          notify: false,
        },
      };
      given(...team, removed)
        .when(createGroup({ memberUserIds: ['bob'] }))
        .thenError('BAD_USER_INPUT', { field: 'memberUserIds', userIds: ['bob'] });
    });

    test('IDs that look like object internals are not users', () => {
      given(...team)
        .when(createGroup({ memberUserIds: ['__proto__', 'constructor', 'toString'] }))
        .thenError('BAD_USER_INPUT', { field: 'memberUserIds' });
    });
  });

  describe('access', () => {
    test('a Virtual Account of another account (or none at all) is BAD_USER_INPUT', () => {
      given(...team)
        .when(
          createGroup({
            virtualAccountAccess: [{ virtualAccountId: 'va-elsewhere', role: 'VIRTUAL_ACCOUNT_USER' }],
          }),
        )
        .thenError('BAD_USER_INPUT', { field: 'virtualAccountAccess' });
      given(...team)
        .when(
          createGroup({
            virtualAccountAccess: [{ virtualAccountId: '__proto__', role: 'VIRTUAL_ACCOUNT_USER' }],
          }),
        )
        .thenError('BAD_USER_INPUT', { field: 'virtualAccountAccess' });
    });

    test.each(['SMART_ACCOUNT_ADMIN', 'SMART_ACCOUNT_VIEWER', 'SMART_ACCOUNT_APPROVER', 'OWNER', ''])(
      'only VIRTUAL_ACCOUNT_* roles: %j is BAD_USER_INPUT',
      (role) => {
        given(...team)
          .when(createGroup({ virtualAccountAccess: [{ virtualAccountId: SALES_VA, role }] }))
          .thenError('BAD_USER_INPUT', { field: 'virtualAccountAccess' });
      },
    );

    test('one role per Virtual Account: a Virtual Account given twice is BAD_USER_INPUT, even with the same role', () => {
      given(...team)
        .when(
          createGroup({
            virtualAccountAccess: [
              { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' },
              { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' },
            ],
          }),
        )
        .thenError('BAD_USER_INPUT', { field: 'virtualAccountAccess' });
      given(...team)
        .when(
          createGroup({
            virtualAccountAccess: [
              { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' },
              { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' },
            ],
          }),
        )
        .thenError('BAD_USER_INPUT', { field: 'virtualAccountAccess' });
    });
  });
});
