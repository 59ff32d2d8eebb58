import type { AccountEvent } from '../domain/account/events';
import type { EffectiveRoleAssignment } from '../domain/account/permissions';
import {
  evolveAccount,
  lookup,
  type AccountState,
  type GroupState,
  type VirtualAccountState,
} from '../domain/account/state';
import { effectiveRolesOf } from './effective-roles';

/** A group as an access change shows it: as it stood at that moment. */
export type GroupRef = Pick<GroupState, 'id' | 'name' | 'description' | 'memberIds' | 'access' | 'createdAt'>;

/** One effective role with its Virtual Account and group resolved at that moment. */
export interface ResolvedAssignment {
  role: EffectiveRoleAssignment['role'];
  virtualAccountId: string | null;
  viaGroupId: string | null;
  virtualAccount: VirtualAccountState | null;
  viaGroup: GroupRef | null;
}

/** One user's effective access before and after a change (or between two moments). */
export interface AccessChangeData {
  userId: string;
  before: ResolvedAssignment[];
  after: ResolvedAssignment[];
}

const assignmentKey = (a: EffectiveRoleAssignment): string =>
  `${a.role}\u0000${a.virtualAccountId ?? ''}\u0000${a.viaGroupId ?? ''}`;

/** The same roles through the same paths, in any order. */
export function sameEffectiveRoles(
  a: readonly EffectiveRoleAssignment[],
  b: readonly EffectiveRoleAssignment[],
): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(assignmentKey));
  return b.every((assignment) => keys.has(assignmentKey(assignment)));
}

/** Resolves against `state`; group copies are shared within one `refs` map (one per moment). */
export function resolveAssignments(
  state: AccountState,
  assignments: readonly EffectiveRoleAssignment[],
  refs: Map<string, GroupRef> = new Map(),
): ResolvedAssignment[] {
  return assignments.map(({ role, virtualAccountId, viaGroupId }) => {
    const virtualAccount =
      virtualAccountId === null ? null : (lookup(state.virtualAccounts, virtualAccountId) ?? null);
    let viaGroup: GroupRef | null = null;
    if (viaGroupId !== null) {
      viaGroup = refs.get(viaGroupId) ?? null;
      const group = viaGroup === null ? lookup(state.groups, viaGroupId) : undefined;
      if (group !== undefined) {
        viaGroup = { ...group, memberIds: [...group.memberIds], access: [...group.access] };
        refs.set(viaGroupId, viaGroup);
      }
    }
    return {
      role,
      virtualAccountId,
      viaGroupId,
      virtualAccount: virtualAccount === null ? null : { ...virtualAccount },
      viaGroup,
    };
  });
}

/** The users whose effective access `event` may change, judged on the state just before it. */
export function possiblyAffectedUsers(state: AccountState, event: AccountEvent): string[] {
  switch (event.type) {
    case 'UserAdded':
    case 'UserRolesChanged':
    case 'UserRemoved':
      return [event.data.userId];
    case 'GroupCreated':
      return event.data.memberIds;
    case 'GroupMembersAdded':
    case 'GroupMembersRemoved':
      return event.data.userIds;
    case 'GroupAccessChanged':
    case 'GroupDeleted':
      return lookup(state.groups, event.data.groupId)?.memberIds ?? [];
    default:
      return [];
  }
}

/**
 * Evolves `state` by `event` (in place, like `evolveAccount`) and reports every user whose
 * effective roles it changed, ordered by user ID.
 */
export function evolveWithChanges(
  state: AccountState,
  event: AccountEvent,
): { state: AccountState; changes: AccessChangeData[] } {
  const candidates = new Set(possiblyAffectedUsers(state, event));
  const beforeRefs = new Map<string, GroupRef>();
  const before = [...effectiveRolesOf(state, candidates)].map(([userId, roles]) => ({
    userId,
    roles,
    resolved: resolveAssignments(state, roles, beforeRefs),
  }));
  const next = evolveAccount(state, event);
  const afterRoles = effectiveRolesOf(next, candidates);
  const afterRefs = new Map<string, GroupRef>();
  const changes: AccessChangeData[] = [];
  for (const { userId, roles, resolved } of before) {
    const after = afterRoles.get(userId) ?? [];
    if (sameEffectiveRoles(roles, after)) continue;
    changes.push({ userId, before: resolved, after: resolveAssignments(next, after, afterRefs) });
  }
  changes.sort((a, b) => compareIds(a.userId, b.userId));
  return { state: next, changes };
}

export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
