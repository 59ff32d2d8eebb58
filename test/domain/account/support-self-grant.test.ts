import type { AccountCommand } from '../../../src/domain/account';
import {
  PARTNERS,
  REQUESTING_ACCOUNT,
  approve,
  decided,
  eventsOf,
  grant,
  requestAccess,
  requestGroupAccess,
} from './access-fixtures';
import { SALES_VA, at, given, userAdded, whole } from './fixtures';
import { createGroup, editMembers, setAccess, support, supportWithoutCase, team } from './groups-fixtures';

/** sue (platform support) is also a viewer of acc-1, and a member of the Sales team. */
const withSue = [
  ...team,
  userAdded('sue', [whole('SMART_ACCOUNT_VIEWER')]),
  ...eventsOf([...team, userAdded('sue', [whole('SMART_ACCOUNT_VIEWER')])], editMembers(['sue'], [])),
];
const salesUser = [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }];

const addUsers = (userIds: string[], by = support): AccountCommand => ({
  type: 'AddUsers',
  data: {
    entries: userIds.map((userId) => ({ input: userId, line: null, userId, problem: null })),
    roles: [{ role: 'SMART_ACCOUNT_ADMIN' }],
    notify: false,
    dryRun: false,
    idempotencyKey: null,
  },
  metadata: { actor: by, at },
});
const setRoles = (userId: string): AccountCommand => ({
  type: 'SetUserRoles',
  data: { userId, roles: [{ role: 'SMART_ACCOUNT_ADMIN' }] },
  metadata: { actor: support, at },
});

describe('support under a case never gives access to itself', () => {
  test('adding itself with addUsers is FORBIDDEN, also among others; adding others is allowed', () => {
    given(...team)
      .when(addUsers(['zoe', 'sue']))
      .thenError('FORBIDDEN');
    expect(eventsOf(team, addUsers(['zoe'])).map((event) => event.type)).toEqual(['UserAdded']);
  });

  test('changing its own roles is FORBIDDEN; changing others’ is allowed', () => {
    given(...withSue)
      .when(setRoles('sue'))
      .thenError('FORBIDDEN');
    expect(eventsOf(withSue, setRoles('bob')).map((event) => event.type)).toEqual(['UserRolesChanged']);
  });

  test('approving its own access request is FORBIDDEN; approving another’s is allowed', () => {
    const ownRequest = decided(team, requestAccess({}, supportWithoutCase));
    given(...ownRequest)
      .when(approve(undefined, {}, support))
      .thenError('FORBIDDEN');
    expect(eventsOf(decided(team, requestAccess()), approve(undefined, {}, support))[0].type).toBe(
      'AccessApproved',
    );
  });

  test('joining a group, or creating one with itself in it, is FORBIDDEN', () => {
    const withSueAsViewer = [...team, userAdded('sue', [whole('SMART_ACCOUNT_VIEWER')])];
    given(...withSueAsViewer)
      .when(editMembers(['sue'], [], 'g-sales', support))
      .thenError('FORBIDDEN');
    given(...withSueAsViewer)
      .when(createGroup({ memberUserIds: ['sue'] }, support))
      .thenError('FORBIDDEN');
    expect(eventsOf(withSueAsViewer, editMembers(['dave'], [], 'g-sales', support))).toHaveLength(1);
  });

  test('giving access to a group it is a member of is FORBIDDEN', () => {
    given(...withSue)
      .when(setAccess([{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }], 'g-sales', support))
      .thenError('FORBIDDEN');
  });

  test('granting an external group it belongs to (or whose membership is unknown) is FORBIDDEN', () => {
    const pending = decided(team, requestGroupAccess());
    const grantAs = (groupMemberships?: { accountId: string; groupId: string }[]): AccountCommand => {
      const command = grant(salesUser, {}, support);
      return { ...command, metadata: { ...command.metadata, groupMemberships } };
    };
    given(...pending)
      .when(grantAs([{ accountId: REQUESTING_ACCOUNT, groupId: PARTNERS }]))
      .thenError('FORBIDDEN');
    given(...pending)
      .when(grantAs(undefined))
      .thenError('FORBIDDEN');
    expect(eventsOf(pending, grantAs([{ accountId: REQUESTING_ACCOUNT, groupId: 'g-other' }]))[0].type).toBe(
      'ExternalGroupAccessGranted',
    );
  });

  test('without a case support is an ordinary user: a stranger to the account', () => {
    given(...team)
      .when(addUsers(['sue'], supportWithoutCase))
      .thenError('NOT_FOUND');
  });
});
