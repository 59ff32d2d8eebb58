import type { Actor } from '../decider';
import { forbidden, notFound, type DomainError } from '../errors';
import type { Role, RoleAssignment } from './roles';
import { isVirtualAccountRole } from './roles';
import { lookup, type AccountState } from './state';

/** A role the user holds, directly (`viaGroupId` null) or through a group. */
export type EffectiveRoleAssignment = RoleAssignment & { viaGroupId: string | null };

export interface OperationPermission {
  /** Account roles that allow it, held directly or through a group; `ANY_ROLE`: any role at all. */
  readonly roles: 'ANY_ROLE' | readonly Role[];
  /**
   * A VIRTUAL_ACCOUNT_ADMIN passes only for VIRTUAL_ACCOUNT_* roles on the Virtual Accounts
   * they administer, and only for users whose direct roles all lie there (`mayManageAssignments`).
   */
  readonly virtualAccountAdminScoped: boolean;
  /** Platform `auditor` may (reads only). */
  readonly auditor: boolean;
  /** Platform `support` with a support case may (it acts as SMART_ACCOUNT_ADMIN). */
  readonly supportWithCase: boolean;
  /** Completes "Your roles in this Smart Account do not allow you to …". */
  readonly action: string;
  /** The contract's queries, fields, mutations and subscriptions this row governs. */
  readonly covers: readonly string[];
}

/**
 * Who may do what on an existing Smart Account: the one place, as data (the HTTP suite
 * builds its role × operation matrix from it). Not here, because they are not about roles in
 * the account: `createSmartAccount` (any signed-in user), `requestAccess` (a user with no
 * direct role), and the requester's own rights on an access request.
 */
export const PERMISSIONS = {
  readAccount: {
    roles: 'ANY_ROLE',
    virtualAccountAdminScoped: false,
    auditor: true,
    supportWithCase: true,
    action: 'read this Smart Account',
    covers: [
      'smartAccount',
      'mySmartAccounts',
      'searchSmartAccounts',
      'SmartAccount.virtualAccounts',
      'SmartAccount.myRoles',
    ],
  },
  readMembers: {
    roles: ['SMART_ACCOUNT_ADMIN', 'SMART_ACCOUNT_USER', 'SMART_ACCOUNT_VIEWER', 'VIRTUAL_ACCOUNT_ADMIN'],
    virtualAccountAdminScoped: false,
    auditor: true,
    supportWithCase: true,
    action: 'see the users and groups of this Smart Account',
    covers: [
      'SmartAccount.users',
      'SmartAccount.user',
      'SmartAccount.groups',
      'SmartAccount.group',
      'SmartAccount.externalGroups',
    ],
  },
  readHistory: {
    roles: ['SMART_ACCOUNT_ADMIN'],
    virtualAccountAdminScoped: false,
    auditor: true,
    supportWithCase: true,
    action: "read this Smart Account's history",
    covers: [
      'SmartAccount.history',
      'AccountUser.accessReasons',
      'smartAccountAsOf',
      'smartAccountDiff',
      'GET /accounts/{id}/history.csv',
      'GET /accounts/{id}/history.ndjson',
      'accountHistoryAppended',
    ],
  },
  readAccessRequests: {
    roles: ['SMART_ACCOUNT_ADMIN'],
    virtualAccountAdminScoped: false,
    auditor: true,
    supportWithCase: true,
    action: "see this Smart Account's access requests",
    covers: [
      'SmartAccount.accessRequests',
      'accessRequest',
      'accessRequestUpdated',
      'accountAccessRequestsUpdated',
    ],
  },
  createVirtualAccount: {
    roles: ['SMART_ACCOUNT_ADMIN'],
    virtualAccountAdminScoped: false,
    auditor: false,
    supportWithCase: true,
    action: 'create Virtual Accounts',
    covers: ['createVirtualAccount'],
  },
  manageUsers: {
    roles: ['SMART_ACCOUNT_ADMIN', 'VIRTUAL_ACCOUNT_ADMIN'],
    virtualAccountAdminScoped: true,
    auditor: false,
    supportWithCase: true,
    action: 'manage users',
    covers: ['addUsers', 'setUserRoles', 'removeUser'],
  },
  manageGroups: {
    roles: ['SMART_ACCOUNT_ADMIN'],
    virtualAccountAdminScoped: false,
    auditor: false,
    supportWithCase: true,
    action: 'manage user groups',
    covers: [
      'createUserGroup',
      'updateUserGroup',
      'editUserGroupMembers',
      'setUserGroupAccess',
      'deleteUserGroup',
      'sendGroupMessage',
    ],
  },
  decideAccessRequests: {
    roles: ['SMART_ACCOUNT_ADMIN'],
    virtualAccountAdminScoped: false,
    auditor: false,
    supportWithCase: true,
    action: 'decide access requests',
    covers: [
      'approveAccessRequest',
      'declineAccessRequest',
      'grantExternalGroupAccess',
      'revokeExternalGroupAccess',
    ],
  },
  /** Checked on the requesting group's own account. */
  requestGroupAccess: {
    roles: ['SMART_ACCOUNT_ADMIN'],
    virtualAccountAdminScoped: false,
    auditor: false,
    supportWithCase: true,
    action: 'request access for a group',
    covers: ['requestGroupAccess'],
  },
} as const satisfies Record<string, OperationPermission>;

export type Operation = keyof typeof PERMISSIONS;
export const OPERATIONS = Object.keys(PERMISSIONS) as Operation[];

/** FORBIDDEN for `operation`, worded from its row of the table. */
export const forbiddenTo = (operation: Operation): DomainError =>
  forbidden(`Your roles in this Smart Account do not allow you to ${PERMISSIONS[operation].action}`);

export const ACCOUNT_NOT_FOUND_MESSAGE = 'Smart Account not found';
export const accountNotFound = (): DomainError => notFound(ACCOUNT_NOT_FOUND_MESSAGE);

export const isAuditor = (actor: Actor): boolean => actor.platformRoles.includes('auditor');
export const actsAsSupport = (actor: Actor): boolean =>
  actor.platformRoles.includes('support') && actor.supportCaseId !== null && actor.supportCaseId !== '';

/**
 * Roles claimed through other accounts' groups that this account's grants still give: the
 * application works them out before the stream lock, so a grant revoked or replaced since
 * must not count.
 */
function confirmedExternalRoles(
  state: AccountState,
  claimed: readonly EffectiveRoleAssignment[],
): EffectiveRoleAssignment[] {
  return claimed.filter(({ role, virtualAccountId, viaGroupId }) => {
    const grant = viaGroupId === null ? undefined : lookup(state.externalGrants, viaGroupId);
    return (
      grant !== undefined &&
      grant.access.some((access) => access.role === role && access.virtualAccountId === virtualAccountId)
    );
  });
}

/**
 * Direct roles, plus the VIRTUAL_ACCOUNT_* roles of every group the user is a member of,
 * plus `extra`: roles held through another account's group (external grants), which the
 * application resolves from the group's own account; each counts only while a grant here gives it.
 */
export function effectiveRoles(
  state: AccountState,
  userId: string,
  extra: readonly EffectiveRoleAssignment[] = [],
): EffectiveRoleAssignment[] {
  const roles: EffectiveRoleAssignment[] = [];
  const user = lookup(state.users, userId);
  for (const { role, virtualAccountId } of user?.roles ?? [])
    roles.push({ role, virtualAccountId, viaGroupId: null });
  for (const group of Object.values(state.groups)) {
    if (!group.memberIds.includes(userId)) continue;
    for (const { role, virtualAccountId } of group.access)
      roles.push({ role, virtualAccountId, viaGroupId: group.id });
  }
  for (const { role, virtualAccountId, viaGroupId } of confirmedExternalRoles(state, extra))
    roles.push({ role, virtualAccountId, viaGroupId });
  return roles;
}

/** May `actor` do `operation`, as far as the operation itself goes (a scoped VA admin passes here)? */
export function can(
  state: AccountState,
  actor: Actor,
  operation: Operation,
  extra: readonly EffectiveRoleAssignment[] = [],
): boolean {
  if (!state.exists) return false;
  const permission: OperationPermission = PERMISSIONS[operation];
  if (permission.auditor && isAuditor(actor)) return true;
  if (permission.supportWithCase && actsAsSupport(actor)) return true;
  const held = effectiveRoles(state, actor.userId, extra);
  if (permission.roles === 'ANY_ROLE') return held.length > 0;
  const allowed = permission.roles;
  return held.some((assignment) => allowed.includes(assignment.role));
}

/**
 * Throws NOT_FOUND, exactly as for a missing account, when `actor` may not even read it;
 * FORBIDDEN when they may read it but not do `operation`.
 */
export function authorize(
  state: AccountState,
  actor: Actor,
  operation: Operation,
  extra: readonly EffectiveRoleAssignment[] = [],
): void {
  if (!can(state, actor, 'readAccount', extra)) throw accountNotFound();
  if (!can(state, actor, operation, extra)) throw forbiddenTo(operation);
}

/** Acts as SMART_ACCOUNT_ADMIN: holds it, or is platform support with a case. */
export const actsAsAccountAdmin = (
  state: AccountState,
  actor: Actor,
  extra: readonly EffectiveRoleAssignment[] = [],
): boolean =>
  state.exists &&
  (actsAsSupport(actor) ||
    effectiveRoles(state, actor.userId, extra).some(
      (assignment) => assignment.role === 'SMART_ACCOUNT_ADMIN',
    ));

/** IDs of the Virtual Accounts `actor` holds VIRTUAL_ACCOUNT_ADMIN on, directly or through a group. */
export function administeredVirtualAccountIds(
  state: AccountState,
  actor: Actor,
  extra: readonly EffectiveRoleAssignment[] = [],
): Set<string> {
  const ids = new Set<string>();
  for (const { role, virtualAccountId } of effectiveRoles(state, actor.userId, extra)) {
    if (role === 'VIRTUAL_ACCOUNT_ADMIN' && virtualAccountId !== null) ids.add(virtualAccountId);
  }
  return ids;
}

/**
 * May `actor` grant, change or take away these role assignments? A SMART_ACCOUNT_ADMIN
 * may any; a VIRTUAL_ACCOUNT_ADMIN only VIRTUAL_ACCOUNT_* roles on Virtual Accounts they administer.
 */
export function mayManageAssignments(
  state: AccountState,
  actor: Actor,
  assignments: readonly RoleAssignment[],
  extra: readonly EffectiveRoleAssignment[] = [],
): boolean {
  if (actsAsAccountAdmin(state, actor, extra)) return true;
  const administered = administeredVirtualAccountIds(state, actor, extra);
  return assignments.every(
    ({ role, virtualAccountId }) =>
      isVirtualAccountRole(role) && virtualAccountId !== null && administered.has(virtualAccountId),
  );
}

export const SUPPORT_SELF_GRANT_MESSAGE =
  'Under a support case, support may not give access to itself: ask an administrator of the account';

/**
 * Support acting under a case never gives access to itself (contract "Who may do what"):
 * otherwise it could make its access permanent and act later without a case. FORBIDDEN when
 * `actor` acts as support and `beneficiaries` names it.
 */
export function forbidSupportSelfGrant(actor: Actor, beneficiaries: Iterable<string>): void {
  if (!actsAsSupport(actor)) return;
  for (const userId of beneficiaries) {
    if (userId === actor.userId) throw forbidden(SUPPORT_SELF_GRANT_MESSAGE);
  }
}

export const outsideVirtualAccountScope = (): DomainError =>
  forbidden(
    'A Virtual Account administrator may only manage Virtual Account roles on the Virtual Accounts they administer',
  );
