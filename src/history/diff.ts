import type { AccountState } from '../domain/account/state';
import {
  compareIds,
  resolveAssignments,
  sameEffectiveRoles,
  type AccessChangeData,
  type GroupRef,
} from './access';
import { effectiveRolesOf, everyoneIn } from './effective-roles';

/** Users whose effective roles differ between two states of one account, ordered by user ID. */
export function diffAccess(from: AccountState, to: AccountState): AccessChangeData[] {
  const userIds = new Set([...everyoneIn(from), ...everyoneIn(to)]);
  const fromRoles = effectiveRolesOf(from, userIds);
  const toRoles = effectiveRolesOf(to, userIds);
  const fromRefs = new Map<string, GroupRef>();
  const toRefs = new Map<string, GroupRef>();
  const changes: AccessChangeData[] = [];
  for (const userId of [...userIds].sort(compareIds)) {
    const before = fromRoles.get(userId) ?? [];
    const after = toRoles.get(userId) ?? [];
    if (sameEffectiveRoles(before, after)) continue;
    changes.push({
      userId,
      before: resolveAssignments(from, before, fromRefs),
      after: resolveAssignments(to, after, toRefs),
    });
  }
  return changes;
}
