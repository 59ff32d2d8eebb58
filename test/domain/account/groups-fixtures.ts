import type {
  AccountCommand,
  AccountEvent,
  CreateUserGroupCommand,
  GroupAccessInput,
  UpdateUserGroupCommand,
} from '../../../src/domain/account';
import type { Actor } from '../../../src/domain/decider';
import {
  ACCOUNT,
  OPS_VA,
  SALES_VA,
  actor,
  alice,
  at,
  groupCreated,
  on,
  userAdded,
  whole,
  withVirtualAccounts,
} from './fixtures';

export const support = actor('sue', { platformRoles: ['support'], supportCaseId: 'CASE-1' });
export const supportWithoutCase = actor('sue', { platformRoles: ['support'] });
export const auditor = actor('audrey', { platformRoles: ['auditor'] });

/**
 * alice (SMART_ACCOUNT_ADMIN) with Default, Sales and Ops; bob (SMART_ACCOUNT_VIEWER), carol
 * (VIRTUAL_ACCOUNT_USER of Ops), dave (VIRTUAL_ACCOUNT_ADMIN of Sales); group g-sales
 * "Sales team" (bob, carol) carrying VIRTUAL_ACCOUNT_USER on Sales.
 */
export const team: AccountEvent[] = [
  ...withVirtualAccounts,
  userAdded('bob', [whole('SMART_ACCOUNT_VIEWER')]),
  userAdded('carol', [on('VIRTUAL_ACCOUNT_USER', OPS_VA)]),
  userAdded('dave', [on('VIRTUAL_ACCOUNT_ADMIN', SALES_VA)]),
  groupCreated(
    'g-sales',
    'Sales team',
    ['bob', 'carol'],
    [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }],
  ),
];

export const createGroup = (
  fields: Partial<CreateUserGroupCommand['data']> = {},
  by: Actor = alice,
): AccountCommand => ({
  type: 'CreateUserGroup',
  data: { groupId: 'g-new', name: 'New group', memberUserIds: [], virtualAccountAccess: [], ...fields },
  metadata: { actor: by, at },
});

export const updateGroup = (
  fields: Partial<UpdateUserGroupCommand['data']>,
  by: Actor = alice,
): AccountCommand => ({
  type: 'UpdateUserGroup',
  data: { groupId: 'g-sales', ...fields },
  metadata: { actor: by, at },
});

export const editMembers = (
  add: string[],
  remove: string[],
  groupId = 'g-sales',
  by: Actor = alice,
): AccountCommand => ({
  type: 'EditUserGroupMembers',
  data: { groupId, add, remove },
  metadata: { actor: by, at },
});

export const setAccess = (
  access: GroupAccessInput[],
  groupId = 'g-sales',
  by: Actor = alice,
): AccountCommand => ({ type: 'SetUserGroupAccess', data: { groupId, access }, metadata: { actor: by, at } });

export const deleteGroup = (groupId = 'g-sales', by: Actor = alice): AccountCommand => ({
  type: 'DeleteUserGroup',
  data: { groupId },
  metadata: { actor: by, at },
});

export const sendMessage = (
  fields: { subject?: string; body?: string; groupId?: string } = {},
  by: Actor = alice,
): AccountCommand => ({
  type: 'SendGroupMessage',
  data: { groupId: 'g-sales', messageId: 'msg-1', subject: 'Hello', body: 'Welcome to the team.', ...fields },
  metadata: { actor: by, at },
});

export const removeUser = (userId: string, by: Actor = alice): AccountCommand => ({
  type: 'RemoveUser',
  data: { userId, notify: false },
  metadata: { actor: by, at },
});

export const membersAdded = (groupId: string, userIds: string[]): AccountEvent => ({
  type: 'GroupMembersAdded',
  data: { accountId: ACCOUNT, groupId, userIds },
});

export const membersRemoved = (groupId: string, userIds: string[]): AccountEvent => ({
  type: 'GroupMembersRemoved',
  data: { accountId: ACCOUNT, groupId, userIds },
});
