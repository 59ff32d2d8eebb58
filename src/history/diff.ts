import { effectiveRoles } from '../domain/account/permissions';
import type { AccountState } from '../domain/account/state';
import {
  compareIds,
  resolveAssignments,
  sameEffectiveRoles,
  type AccessChangeData,
  type GroupRef,
} from './access';

/** Users whose effective roles differ between two states of one account, ordered by user ID. */
export function diffAccess(from: AccountState, to: AccountState): AccessChangeData[] {
  const userIds = new Set<string>();
  const addMembers = (state: AccountState) => {
    for (const userId of Object.keys(state.users)) userIds.add(userId);
    for (const group of Object.values(state.groups)) for (const id of group.memberIds) userIds.add(id);
  };
  addMembers(from);
  addMembers(to);
  const fromRefs = new Map<string, GroupRef>();
  const toRefs = new Map<string, GroupRef>();
  const changes: AccessChangeData[] = [];
  for (const userId of [...userIds].sort(compareIds)) {
    const before = effectiveRoles(from, userId);
    const after = effectiveRoles(to, userId);
    if (sameEffectiveRoles(before, after)) continue;
    changes.push({
      userId,
      before: resolveAssignments(from, before, fromRefs),
      after: resolveAssignments(to, after, toRefs),
    });
  }
  return changes;
}
