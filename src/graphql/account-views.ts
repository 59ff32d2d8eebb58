import type { AccountDoc, AccountUserDoc, VirtualAccountDoc } from '../../projections/accounts';
import type { Queries } from '../app/api';
import type { GroupAccess, RoleAssignment as RoleAssignmentData } from '../domain/account';
import {
  AccountUser,
  GroupVirtualAccountAccess,
  RoleAssignment,
  UserGroup,
  VirtualAccount,
} from './types/account';

type Assignment = RoleAssignmentData & { viaGroupId?: string | null };

/** A group's Virtual Account access as the API shows it (entries whose Virtual Account is unknown are left out). */
export function toGroupAccess(
  virtualAccounts: readonly VirtualAccountDoc[],
  access: readonly GroupAccess[],
): GroupVirtualAccountAccess[] {
  const byId = new Map(virtualAccounts.map((va) => [va.id, va]));
  return access.flatMap((entry) => {
    const va = byId.get(entry.virtualAccountId);
    return va
      ? [
          Object.assign(new GroupVirtualAccountAccess(), {
            virtualAccount: VirtualAccount.from(va),
            role: entry.role,
          }),
        ]
      : [];
  });
}

/**
 * Role assignments as the API shows them: with their Virtual Account and group. The groups'
 * members are listed only when `membersReadable` (the caller may read the account's users).
 */
export async function toRoleAssignments(
  queries: Queries,
  account: AccountDoc,
  assignments: readonly Assignment[],
  membersReadable = false,
): Promise<RoleAssignment[]> {
  const groupIds = [...new Set(assignments.flatMap((a) => (a.viaGroupId ? [a.viaGroupId] : [])))];
  const groups = new Map<string, UserGroup>();
  (await queries.accounts.groups(account.id, groupIds)).forEach((doc) => {
    if (doc) groups.set(doc.id, UserGroup.from(doc, account, membersReadable));
  });
  // Roles through an external group grant come through a group of another account.
  const external = groupIds.filter((id) => !groups.has(id));
  if (external.length > 0) {
    const grants = await queries.accessRequests.grantsTo(account.id);
    for (const grant of grants.filter((g) => external.includes(g.groupId))) {
      const [group, from] = await Promise.all([
        queries.accounts.group(grant.fromAccountId, grant.groupId),
        queries.accounts.account(grant.fromAccountId),
      ]);
      // Its members are never listed here: `membersReadable` is about this account's users.
      if (group && from) groups.set(group.id, UserGroup.from(group, from, false));
    }
  }
  return assignments.map((assignment) =>
    RoleAssignment.of(
      account,
      assignment,
      assignment.viaGroupId ? (groups.get(assignment.viaGroupId) ?? null) : null,
    ),
  );
}

/** A user's effective roles from the read model: direct roles plus those of their groups. */
export async function effectiveAssignments(queries: Queries, user: AccountUserDoc): Promise<Assignment[]> {
  const groups = await queries.accounts.groups(user.accountId, user.groupIds);
  return [
    ...user.directRoles.map((role) => ({ ...role, viaGroupId: null })),
    ...groups.flatMap((group) =>
      group ? group.access.map((access) => ({ ...access, viaGroupId: group.id })) : [],
    ),
  ];
}

export async function loadAccountUsers(
  queries: Queries,
  account: AccountDoc,
  userIds: readonly string[],
): Promise<Array<AccountUser | null>> {
  const [docs, profiles] = await Promise.all([
    queries.accounts.users(account.id, userIds),
    queries.profiles.byIds(userIds),
  ]);
  return docs.map((doc, index) => (doc ? AccountUser.from(doc, account, profiles[index]) : null));
}
