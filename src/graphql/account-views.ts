import { accountExternalGrantsKey, type ExternalGrantDoc } from '../../projections/access-requests';
import {
  accountKey,
  accountUserKey,
  groupKey,
  type AccountDoc,
  type AccountUserDoc,
  type GroupDoc,
} from '../../projections/accounts';
import type { RoleAssignment as RoleAssignmentData } from '../domain/account';
import type { ReadModelReader } from '../readmodel/port';
import { AccountUser, RoleAssignment, UserGroup, VirtualAccount } from './types/account';

type Assignment = RoleAssignmentData & { viaGroupId?: string | null };

/**
 * Role assignments as the API shows them: with their Virtual Account and group. The groups'
 * members are listed only when `membersReadable` (the caller may read the account's users).
 */
export async function toRoleAssignments(
  reads: ReadModelReader,
  account: AccountDoc,
  assignments: readonly Assignment[],
  membersReadable = false,
): Promise<RoleAssignment[]> {
  const groupIds = [...new Set(assignments.flatMap((a) => (a.viaGroupId ? [a.viaGroupId] : [])))];
  const groups = new Map<string, UserGroup>();
  (await reads.getMany<GroupDoc>(groupIds.map((id) => groupKey(account.id, id)))).forEach((doc) => {
    if (doc) groups.set(doc.id, UserGroup.from(doc, account, membersReadable));
  });
  // Roles through an external group grant come through a group of another account.
  const external = groupIds.filter((id) => !groups.has(id));
  if (external.length > 0) {
    const grants = (await reads.get<ExternalGrantDoc[]>(accountExternalGrantsKey(account.id))) ?? [];
    for (const grant of grants.filter((g) => external.includes(g.groupId))) {
      const [group, from] = await Promise.all([
        reads.get<GroupDoc>(groupKey(grant.fromAccountId, grant.groupId)),
        loadAccountDoc(reads, grant.fromAccountId),
      ]);
      // Its members are never listed here: `membersReadable` is about this account's users.
      if (group && from) groups.set(group.id, UserGroup.from(group, from, false));
    }
  }
  const virtualAccounts = new Map(account.virtualAccounts.map((va) => [va.id, va]));
  return assignments.map((assignment) => {
    const virtualAccount = assignment.virtualAccountId
      ? virtualAccounts.get(assignment.virtualAccountId)
      : undefined;
    const group = assignment.viaGroupId ? groups.get(assignment.viaGroupId) : undefined;
    return Object.assign(new RoleAssignment(), {
      role: assignment.role,
      virtualAccount: virtualAccount ? VirtualAccount.from(virtualAccount) : null,
      viaGroup: group ?? null,
    });
  });
}

/** A user's effective roles from the read model: direct roles plus those of their groups. */
export async function effectiveAssignments(
  reads: ReadModelReader,
  user: AccountUserDoc,
): Promise<Assignment[]> {
  const groups = await reads.getMany<GroupDoc>(user.groupIds.map((id) => groupKey(user.accountId, id)));
  return [
    ...user.directRoles.map((role) => ({ ...role, viaGroupId: null })),
    ...groups.flatMap((group) =>
      group ? group.access.map((access) => ({ ...access, viaGroupId: group.id })) : [],
    ),
  ];
}

export async function loadAccountUsers(
  reads: ReadModelReader,
  account: AccountDoc,
  userIds: readonly string[],
): Promise<Array<AccountUser | null>> {
  const docs = await reads.getMany<AccountUserDoc>(userIds.map((id) => accountUserKey(account.id, id)));
  return docs.map((doc) => (doc ? AccountUser.from(doc, account) : null));
}

export async function loadAccountDoc(
  reads: ReadModelReader,
  accountId: string,
): Promise<AccountDoc | undefined> {
  return reads.get<AccountDoc>(accountKey(accountId));
}
