import type { AccountState, VirtualAccountState } from '../domain/account/state';
import type { GroupAccess } from '../domain/account/events';
import { compareIds, resolveAssignments, type GroupRef, type ResolvedAssignment } from './access';
import { effectiveRolesOf } from './effective-roles';

export interface SnapshotUserData {
  userId: string;
  directRoles: ResolvedAssignment[];
  effectiveRoles: ResolvedAssignment[];
  groupIds: string[];
}

export interface SnapshotGroupData {
  id: string;
  name: string;
  memberIds: string[];
  access: Array<GroupAccess & { virtualAccount: VirtualAccountState | null }>;
}

/** The account as it stood after `revision` (GraphQL `SmartAccountSnapshot`). */
export interface SnapshotData {
  accountId: string;
  asOf: string;
  revision: number;
  name: string;
  domainIdentifier: string;
  virtualAccounts: VirtualAccountState[];
  /** Ordered by user ID. */
  users: SnapshotUserData[];
  /** In the order they were created. */
  groups: SnapshotGroupData[];
}

/** Reads `state` into plain data; nothing of the state is shared with the result. */
export function snapshotOf(state: AccountState, revision: number, asOf: string): SnapshotData {
  const refs = new Map<string, GroupRef>();
  const groups = Object.values(state.groups);
  const groupIdsByUser = new Map<string, string[]>();
  for (const group of groups) {
    for (const userId of group.memberIds) {
      const ids = groupIdsByUser.get(userId) ?? [];
      ids.push(group.id);
      groupIdsByUser.set(userId, ids);
    }
  }
  const userIds = Object.keys(state.users).sort(compareIds);
  const effective = effectiveRolesOf(state, userIds);
  const users = userIds.map((userId) => ({
    userId,
    directRoles: resolveAssignments(
      state,
      state.users[userId].roles.map((role) => ({ ...role, viaGroupId: null })),
      refs,
    ),
    effectiveRoles: resolveAssignments(state, effective.get(userId) ?? [], refs),
    groupIds: groupIdsByUser.get(userId) ?? [],
  }));
  return {
    accountId: state.accountId,
    asOf,
    revision,
    name: state.name,
    domainIdentifier: state.domainIdentifier,
    virtualAccounts: Object.values(state.virtualAccounts).map((va) => ({ ...va })),
    users,
    groups: groups.map((group) => ({
      id: group.id,
      name: group.name,
      memberIds: [...group.memberIds],
      access: group.access.map((access) => ({
        ...access,
        virtualAccount: state.virtualAccounts[access.virtualAccountId]
          ? { ...state.virtualAccounts[access.virtualAccountId] }
          : null,
      })),
    })),
  };
}
