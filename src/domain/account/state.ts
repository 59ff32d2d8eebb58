import {
  evolveAccessRequests,
  initialAccessRequestsState,
  type AccessRequestsState,
} from './access-request-state';
import type { AccountEvent, AddUserResultData, GroupAccess } from './events';
import { holdsAccountAdmin, type RoleAssignment } from './roles';

export type VirtualAccountState = {
  id: string;
  name: string;
  description: string | null;
  isDefault: boolean;
  createdAt: string;
};

export type AccountUserState = {
  userId: string;
  /** Direct roles only; groups add more (see `effectiveRoles`). */
  roles: RoleAssignment[];
  addedAt: string;
  addedBy: string | null;
};

export type GroupState = {
  id: string;
  name: string;
  /** Lower-case name: group names are unique per account, case-insensitively. */
  nameKey: string;
  description: string | null;
  memberIds: string[];
  access: GroupAccess[];
  createdAt: string;
};

export type RecordedBatch = { actorId: string; idempotencyKey: string; results: AddUserResultData[] };

/** Everything the account's rules need, folded from its stream. Plain, JSON-friendly data. */
export interface AccountState extends AccessRequestsState {
  exists: boolean;
  accountId: string;
  name: string;
  domainIdentifier: string;
  createdAt: string;
  virtualAccounts: Record<string, VirtualAccountState>;
  users: Record<string, AccountUserState>;
  /** Users holding SMART_ACCOUNT_ADMIN directly, kept up to date so the last-admin rule is O(1). */
  adminCount: number;
  groups: Record<string, GroupState>;
  /** Lower-case group name → group ID. */
  groupNames: Record<string, string>;
  /** Keyed by `batchKey(actorId, idempotencyKey)`: keys are per account and actor. */
  batches: Record<string, RecordedBatch>;
}

/**
 * Records keyed by user input (user IDs, group names) have no prototype, so a key such as
 * `__proto__` or `constructor` is just a key.
 */
const emptyRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** The value under `key`, never an inherited property. */
export const lookup = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

export const batchKey = (actorId: string, idempotencyKey: string): string =>
  JSON.stringify([actorId, idempotencyKey]);

export const groupNameKey = (name: string): string => name.trim().toLowerCase();

export function initialAccountState(): AccountState {
  return {
    exists: false,
    accountId: '',
    name: '',
    domainIdentifier: '',
    createdAt: '',
    virtualAccounts: emptyRecord(),
    users: emptyRecord(),
    adminCount: 0,
    groups: emptyRecord(),
    groupNames: emptyRecord(),
    batches: emptyRecord(),
    ...initialAccessRequestsState(),
  };
}

/** IDs of the groups `userId` is a member of, in the order the groups were created. */
export const groupIdsOf = (state: AccountState, userId: string): string[] =>
  Object.values(state.groups)
    .filter((group) => group.memberIds.includes(userId))
    .map((group) => group.id);

const copyRoles = (roles: readonly RoleAssignment[]): RoleAssignment[] =>
  roles.map(({ role, virtualAccountId }) => ({ role, virtualAccountId }));

/** Replaces a user's direct roles (null: removes the user), keeping `adminCount` in step. */
function setDirectRoles(state: AccountState, userId: string, next: AccountUserState | null): void {
  const previous = lookup(state.users, userId);
  if (previous !== undefined && holdsAccountAdmin(previous.roles)) state.adminCount--;
  if (next === null) {
    delete state.users[userId];
    return;
  }
  if (holdsAccountAdmin(next.roles)) state.adminCount++;
  state.users[userId] = next;
}

const copyAccess = (access: readonly GroupAccess[]): GroupAccess[] =>
  access.map(({ virtualAccountId, role }) => ({ virtualAccountId, role }));

function removeMembers(group: GroupState, userIds: readonly string[]): void {
  const leaving = new Set(userIds);
  group.memberIds = group.memberIds.filter((id) => !leaving.has(id));
}

/** Updates `state` in place and returns it (see `Decider`). Unknown event types change nothing. */
export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'SmartAccountCreated': {
      const { accountId, name, domainIdentifier, createdAt } = event.data;
      Object.assign(state, { exists: true, accountId, name, domainIdentifier, createdAt });
      return state;
    }
    case 'VirtualAccountCreated': {
      const { virtualAccountId: id, name, description, isDefault, createdAt } = event.data;
      state.virtualAccounts[id] = { id, name, description, isDefault, createdAt };
      return state;
    }
    case 'UserAdded': {
      const { userId, roles, addedAt, addedBy } = event.data;
      setDirectRoles(state, userId, { userId, roles: copyRoles(roles), addedAt, addedBy });
      return state;
    }
    case 'UserRolesChanged': {
      const user = lookup(state.users, event.data.userId);
      if (user !== undefined)
        setDirectRoles(state, user.userId, { ...user, roles: copyRoles(event.data.roles) });
      return state;
    }
    case 'UserRemoved': {
      const { userId, removedFromGroups } = event.data;
      setDirectRoles(state, userId, null);
      for (const groupId of removedFromGroups) {
        const group = lookup(state.groups, groupId);
        if (group !== undefined) removeMembers(group, [userId]);
      }
      return state;
    }
    case 'UserBatchRecorded': {
      const { actorId, idempotencyKey, results } = event.data;
      state.batches[batchKey(actorId, idempotencyKey)] = { actorId, idempotencyKey, results };
      return state;
    }
    case 'GroupCreated': {
      const { groupId: id, name, description, memberIds, access, createdAt } = event.data;
      const nameKey = groupNameKey(name);
      state.groups[id] = {
        id,
        name,
        nameKey,
        description,
        memberIds: [...memberIds],
        access: copyAccess(access),
        createdAt,
      };
      state.groupNames[nameKey] = id;
      return state;
    }
    case 'GroupUpdated': {
      const { groupId, name, description } = event.data;
      const group = lookup(state.groups, groupId);
      if (group === undefined) return state;
      if (name !== undefined) {
        delete state.groupNames[group.nameKey];
        group.name = name;
        group.nameKey = groupNameKey(name);
        state.groupNames[group.nameKey] = groupId;
      }
      if (description !== undefined) group.description = description;
      return state;
    }
    case 'GroupMembersAdded': {
      const group = lookup(state.groups, event.data.groupId);
      if (group === undefined) return state;
      const members = new Set(group.memberIds);
      for (const userId of event.data.userIds) {
        if (!members.has(userId)) group.memberIds.push(userId);
        members.add(userId);
      }
      return state;
    }
    case 'GroupMembersRemoved': {
      const group = lookup(state.groups, event.data.groupId);
      if (group !== undefined) removeMembers(group, event.data.userIds);
      return state;
    }
    case 'GroupAccessChanged': {
      const group = lookup(state.groups, event.data.groupId);
      if (group !== undefined) group.access = copyAccess(event.data.access);
      return state;
    }
    case 'GroupDeleted': {
      const group = lookup(state.groups, event.data.groupId);
      if (group === undefined) return state;
      delete state.groups[group.id];
      delete state.groupNames[group.nameKey];
      return state;
    }
    case 'GroupMessageSent':
      // A record of what was sent to whom; nothing about the account changes.
      return state;
    case 'AccessRequested':
    case 'AccessReminderSent':
    case 'AccessApproved':
    case 'AccessDeclined':
    case 'AccessRequestCancelled':
    case 'ExternalGroupAccessGranted':
    case 'ExternalGroupAccessRevoked':
      return evolveAccessRequests(state, event);
    default:
      return state;
  }
}
