import {
  effectiveRoles,
  groupIdsOf,
  type AccountCommand,
  type AccountEvent,
  type AddUsersCommand,
} from '../../../src/domain/account';
import type { Actor } from '../../../src/domain/decider';
import {
  ACCOUNT,
  OPS_VA,
  SALES_VA,
  actor,
  alice,
  at,
  given,
  groupCreated,
  on,
  userAdded,
  whole,
} from './fixtures';
import {
  auditor,
  createGroup,
  deleteGroup,
  editMembers,
  membersRemoved,
  removeUser,
  sendMessage,
  setAccess,
  support,
  supportWithoutCase,
  team,
  updateGroup,
} from './groups-fixtures';

/** Every group command, by `who`. */
const everyGroupCommand = (who: Actor): [string, AccountCommand][] => [
  ['createUserGroup', createGroup({}, who)],
  ['updateUserGroup', updateGroup({ name: 'Closers' }, who)],
  ['editUserGroupMembers', editMembers(['dave'], [], 'g-sales', who)],
  ['setUserGroupAccess', setAccess([], 'g-sales', who)],
  ['deleteUserGroup', deleteGroup('g-sales', who)],
  ['sendGroupMessage', sendMessage({}, who)],
];

/** Members of `team` plus a SMART_ACCOUNT_USER and a VIRTUAL_ACCOUNT_ADMIN through a group. */
const people: AccountEvent[] = [
  ...team,
  userAdded('sam', [whole('SMART_ACCOUNT_USER')]),
  userAdded('viv', [on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA)]),
  groupCreated(
    'g-ops-admins',
    'Ops admins',
    ['viv'],
    [{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }],
  ),
];

describe('who may manage groups', () => {
  test.each(everyGroupCommand(alice))('a SMART_ACCOUNT_ADMIN may %s', (_name, command) => {
    expect(
      given(...people)
        .when(command)
        .events(),
    ).toHaveLength(1);
  });

  test.each(everyGroupCommand(support))('support with a case may %s', (_name, command) => {
    expect(
      given(...people)
        .when(command)
        .events(),
    ).toHaveLength(1);
  });

  test.each([
    ['a VIRTUAL_ACCOUNT_ADMIN (direct)', actor('dave')],
    ['a VIRTUAL_ACCOUNT_ADMIN through a group', actor('viv')],
    ['a SMART_ACCOUNT_VIEWER', actor('bob')],
    ['a SMART_ACCOUNT_USER', actor('sam')],
    ['a VIRTUAL_ACCOUNT_USER', actor('carol')],
    ['an auditor', auditor],
  ])('%s is FORBIDDEN, for every group command', (_label, who) => {
    for (const [, command] of everyGroupCommand(who)) {
      given(...people)
        .when(command)
        .thenError('FORBIDDEN');
    }
  });

  test.each([
    ['a non-member', actor('mallory')],
    ['support without a case', supportWithoutCase],
  ])('%s is told the account does not exist, for every group command', (_label, who) => {
    for (const [, command] of everyGroupCommand(who)) {
      given(...people)
        .when(command)
        .thenError('NOT_FOUND', {});
    }
  });

  test('authorization comes before anything about the group: an unknown group is still FORBIDDEN / NOT_FOUND', () => {
    given(...people)
      .when(deleteGroup('g-nope', actor('bob')))
      .thenError('FORBIDDEN');
    given(...people)
      .when(deleteGroup('g-nope', actor('mallory')))
      .thenError('NOT_FOUND');
    expect(() =>
      given(...people)
        .when(deleteGroup('g-nope', actor('mallory')))
        .events(),
    ).toThrow('Smart Account not found');
  });

  test('a missing account is NOT_FOUND', () => {
    given().when(createGroup()).thenError('NOT_FOUND');
  });
});

describe('removing a user takes them out of every group', () => {
  const history: AccountEvent[] = [
    ...team,
    groupCreated(
      'g-ops',
      'Ops crew',
      ['carol', 'dave'],
      [{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }],
    ),
    groupCreated('g-empty', 'Nobody', [], []),
    groupCreated('g-dave', 'Dave only', ['dave'], []),
  ];

  test('the removal names every group the user leaves, and they leave them all', () => {
    const removed = {
      type: 'UserRemoved' as const,
      data: {
        accountId: ACCOUNT,
        userId: 'carol',
        previousRoles: [on('VIRTUAL_ACCOUNT_USER', OPS_VA)],
        removedFromGroups: ['g-sales', 'g-ops'],
        notify: false,
      },
    };
    given(...history)
      .when(removeUser('carol'))
      .then([removed]);
    const after = given(...history, removed).state();
    expect(groupIdsOf(after, 'carol')).toEqual([]);
    expect(after.groups['g-sales'].memberIds).toEqual(['bob']);
    expect(after.groups['g-ops'].memberIds).toEqual(['dave']);
    expect(effectiveRoles(after, 'carol')).toEqual([]);
  });

  test('a group membership edited since creation counts', () => {
    const history2 = [...history, membersRemoved('g-ops', ['carol'])];
    const [event] = given(...history2)
      .when(removeUser('carol'))
      .events();
    expect(event).toMatchObject({ type: 'UserRemoved', data: { removedFromGroups: ['g-sales'] } });
  });

  test('a removed user cannot be added back to a group until they are a user again', () => {
    const removal = given(...history)
      .when(removeUser('carol'))
      .events();
    given(...history, ...removal)
      .when(editMembers(['carol'], []))
      .thenError('BAD_USER_INPUT', { field: 'add', userIds: ['carol'] });
    // Added back as a user, they are in no group.
    const back = [...history, ...removal, userAdded('carol', [whole('SMART_ACCOUNT_VIEWER')])];
    expect(groupIdsOf(given(...back).state(), 'carol')).toEqual([]);
  });
});

describe('a VIRTUAL_ACCOUNT_ADMIN through a group', () => {
  // erin reads the account through her own VIRTUAL_ACCOUNT_VIEWER on Ops, and administers
  // Sales only through the group g-sales-admins.
  const history: AccountEvent[] = [
    ...team,
    userAdded('erin', [on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA)]),
    groupCreated(
      'g-sales-admins',
      'Sales admins',
      ['erin'],
      [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }],
    ),
  ];
  const addToSales: AddUsersCommand = {
    type: 'AddUsers',
    data: {
      entries: [{ input: 'newbie', line: null, userId: 'newbie', problem: null }],
      roles: [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA }],
      notify: false,
      dryRun: false,
      idempotencyKey: null,
    },
    metadata: { actor: actor('erin'), at },
  };
  const then = (...more: AccountEvent[]) => [...history, ...more];
  const decided = (events: AccountEvent[], command: AccountCommand) =>
    given(...events)
      .when(command)
      .events();

  test('may add users to that Virtual Account', () => {
    expect(decided(history, addToSales)).toEqual([
      {
        type: 'UserAdded',
        data: {
          accountId: ACCOUNT,
          userId: 'newbie',
          roles: [on('VIRTUAL_ACCOUNT_USER', SALES_VA)],
          notify: false,
          addedAt: at,
          addedBy: 'erin',
        },
      },
    ]);
  });

  test('after leaving the group, the same AddUsers is FORBIDDEN', () => {
    const left = decided(history, editMembers([], ['erin'], 'g-sales-admins'));
    given(...then(...left))
      .when(addToSales)
      .thenError('FORBIDDEN');
  });

  test('after the group is deleted, the same AddUsers is FORBIDDEN', () => {
    const deleted = decided(history, deleteGroup('g-sales-admins'));
    given(...then(...deleted))
      .when(addToSales)
      .thenError('FORBIDDEN');
  });

  test.each([
    ['a lesser role on Sales', [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }]],
    ['admin of another Virtual Account', [{ virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }]],
    ['no access at all', []],
  ])('after the access changes to %s, the same AddUsers is FORBIDDEN', (_label, access) => {
    const changed = decided(history, setAccess(access, 'g-sales-admins'));
    expect(changed).toHaveLength(1);
    given(...then(...changed))
      .when(addToSales)
      .thenError('FORBIDDEN');
  });

  test('and may do it again once back in the group', () => {
    const left = decided(history, editMembers([], ['erin'], 'g-sales-admins'));
    const back = decided(then(...left), editMembers(['erin'], [], 'g-sales-admins'));
    expect(decided(then(...left, ...back), addToSales)).toHaveLength(1);
  });

  test('but may not manage groups, not even the one that makes them admin', () => {
    given(...history)
      .when(editMembers(['bob'], [], 'g-sales-admins', actor('erin')))
      .thenError('FORBIDDEN');
  });
});
