import type { EffectiveRoleAssignment } from '../domain/account/permissions';
import { lookup, type AccountState } from '../domain/account/state';

/**
 * `effectiveRoles` (permissions.ts) of many users at once, in the same order (direct roles,
 * then each group's access in the order the groups were created): one pass over the groups'
 * members instead of one pass over every group per user.
 */
export function effectiveRolesOf(
  state: AccountState,
  userIds: Iterable<string>,
): Map<string, EffectiveRoleAssignment[]> {
  const roles = new Map<string, EffectiveRoleAssignment[]>();
  for (const userId of userIds) {
    const direct = lookup(state.users, userId)?.roles ?? [];
    roles.set(
      userId,
      direct.map(({ role, virtualAccountId }) => ({ role, virtualAccountId, viaGroupId: null })),
    );
  }
  for (const group of Object.values(state.groups)) {
    if (group.access.length === 0) continue;
    for (const memberId of group.memberIds) {
      const held = roles.get(memberId);
      if (held === undefined) continue;
      for (const { role, virtualAccountId } of group.access)
        held.push({ role, virtualAccountId, viaGroupId: group.id });
    }
  }
  return roles;
}

/** Everyone the account knows: its users and its groups' members. */
export function everyoneIn(state: AccountState): Set<string> {
  const userIds = new Set(Object.keys(state.users));
  for (const group of Object.values(state.groups)) for (const id of group.memberIds) userIds.add(id);
  return userIds;
}
