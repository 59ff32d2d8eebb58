import type { AccountDoc, GroupDoc } from '../../projections/accounts';
import type { AccessChangeData, GroupRef, ResolvedAssignment } from '../history/access';
import type { HistoryEntryData } from '../history/entry';
import type { SnapshotData } from '../history/snapshot';
import type { DiffData } from '../history/account-history';
import { GroupVirtualAccountAccess, RoleAssignment, UserGroup, VirtualAccount } from './types/account';
import {
  AccessChange,
  HistoryEntry,
  SmartAccountDiff,
  SmartAccountSnapshot,
  SnapshotGroup,
  SnapshotUser,
} from './types/history';

const groupDoc = (accountId: string, group: GroupRef): GroupDoc => ({
  accountId,
  ...group,
  seq: 0,
  words: [],
});

/**
 * A role as it stood at a past moment: its Virtual Account and group as they were then
 * (the group's members as they were then too).
 */
export function pastRoleAssignment(account: AccountDoc, assignment: ResolvedAssignment): RoleAssignment {
  return Object.assign(new RoleAssignment(), {
    role: assignment.role,
    virtualAccount: assignment.virtualAccount ? VirtualAccount.from(assignment.virtualAccount) : null,
    viaGroup: assignment.viaGroup
      ? UserGroup.from(groupDoc(account.id, assignment.viaGroup), account, true)
      : null,
  });
}

export const toAccessChange = (account: AccountDoc, change: AccessChangeData): AccessChange =>
  Object.assign(new AccessChange(), {
    userId: change.userId,
    before: change.before.map((a) => pastRoleAssignment(account, a)),
    after: change.after.map((a) => pastRoleAssignment(account, a)),
  });

export const toHistoryEntry = (account: AccountDoc, entry: HistoryEntryData): HistoryEntry =>
  Object.assign(new HistoryEntry(), {
    ...entry,
    accessChanges: entry.accessChanges.map((change) => toAccessChange(account, change)),
  });

export const toDiff = (account: AccountDoc, diff: DiffData): SmartAccountDiff =>
  Object.assign(new SmartAccountDiff(), {
    ...diff,
    changes: diff.changes.map((change) => toAccessChange(account, change)),
  });

export function toSnapshot(account: AccountDoc, snapshot: SnapshotData): SmartAccountSnapshot {
  return Object.assign(new SmartAccountSnapshot(), {
    accountId: snapshot.accountId,
    asOf: snapshot.asOf,
    revision: snapshot.revision,
    name: snapshot.name,
    domainIdentifier: snapshot.domainIdentifier,
    virtualAccounts: snapshot.virtualAccounts.map(VirtualAccount.from),
    users: snapshot.users.map((user) =>
      Object.assign(new SnapshotUser(), {
        userId: user.userId,
        directRoles: user.directRoles.map((a) => pastRoleAssignment(account, a)),
        effectiveRoles: user.effectiveRoles.map((a) => pastRoleAssignment(account, a)),
        groupIds: user.groupIds,
      }),
    ),
    groups: snapshot.groups.map((group) =>
      Object.assign(new SnapshotGroup(), {
        id: group.id,
        name: group.name,
        memberIds: group.memberIds,
        virtualAccountAccess: group.access.flatMap((access) =>
          access.virtualAccount
            ? [
                Object.assign(new GroupVirtualAccountAccess(), {
                  virtualAccount: VirtualAccount.from(access.virtualAccount),
                  role: access.role,
                }),
              ]
            : [],
        ),
      }),
    ),
  });
}
