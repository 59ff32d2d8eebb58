import { badInput, notFound } from '../errors';
import { optionalText } from '../validation';
import { normalizeLookupId, type AccessRequestState, type ExternalGrantState } from './access-request-state';
import { ACCESS_DECISION_MESSAGE_MAX, requirePending } from './access-requests';
import type {
  GrantExternalGroupAccessCommand,
  RevokeDeletedGroupGrantCommand,
  RevokeExternalGroupAccessCommand,
} from './commands';
import type { AccountEvent, ExternalGroupAccessRevoked } from './events';
import { validateGroupAccess } from './manage-groups';
import {
  actsAsSupport,
  authorize,
  forbidSupportSelfGrant,
  type EffectiveRoleAssignment,
} from './permissions';
import { lookup, type AccountState } from './state';

export const LOOKUP_ID_NOT_FOUND_MESSAGE = 'No access request has this lookup ID';
export const EXTERNAL_GRANT_NOT_FOUND_MESSAGE = 'This group has no access to this Smart Account';

/**
 * The roles a user holds in this account through external group grants: the access of each
 * grant whose group (in its own account) the user is a member of, with `viaGroupId` = that
 * group. The application answers `isMember` from the group's own account and passes the
 * result as `actorExternalRoles` / `extra`.
 */
export function externalRolesOf(
  state: AccountState,
  isMember: (fromAccountId: string, groupId: string) => boolean,
): EffectiveRoleAssignment[] {
  const roles: EffectiveRoleAssignment[] = [];
  for (const grant of Object.values(state.externalGrants)) {
    if (!isMember(grant.fromAccountId, grant.groupId)) continue;
    for (const { virtualAccountId, role } of grant.access)
      roles.push({ role, virtualAccountId, viaGroupId: grant.groupId });
  }
  return roles;
}

/** Support under a case may not grant access to a group it filed the request for or belongs to. */
function forbidSupportGrantingItself(
  command: GrantExternalGroupAccessCommand,
  request: AccessRequestState,
): void {
  const { actor, groupMemberships } = command.metadata;
  if (!actsAsSupport(actor)) return;
  forbidSupportSelfGrant(actor, [request.requesterId]);
  const member =
    groupMemberships === undefined ||
    groupMemberships.some(
      (membership) =>
        membership.accountId === request.requestingAccountId &&
        membership.groupId === request.requestingGroupId,
    );
  if (member) forbidSupportSelfGrant(actor, [actor.userId]);
}

/** Approves a GROUP request, found by its lookup ID (any case, dashes and spaces ignored). */
export function decideGrantExternalGroupAccess(
  command: GrantExternalGroupAccessCommand,
  state: AccountState,
): AccountEvent[] {
  authorize(state, command.metadata.actor, 'decideAccessRequests', command.metadata.externalRoles);
  const requestId = lookup(state.requestIdByLookupId, normalizeLookupId(command.data.lookupId));
  const request = requestId === undefined ? undefined : lookup(state.accessRequests, requestId);
  if (
    request === undefined ||
    request.kind !== 'GROUP' ||
    request.requestingGroupId === null ||
    request.requestingAccountId === null
  ) {
    throw notFound(LOOKUP_ID_NOT_FOUND_MESSAGE);
  }
  requirePending(request);
  forbidSupportGrantingItself(command, request);
  if (command.data.access.length === 0)
    throw badInput('Choose at least one Virtual Account and role', 'access');
  const access = validateGroupAccess(command.data.access, state, 'access');
  const message = optionalText(command.data.message, 'message', ACCESS_DECISION_MESSAGE_MAX, 'multiline');
  return [
    {
      type: 'ExternalGroupAccessGranted',
      data: {
        accountId: state.accountId,
        requestId: request.id,
        lookupId: request.lookupId,
        requesterId: request.requesterId,
        groupId: request.requestingGroupId,
        groupName: request.requestingGroupName ?? '',
        fromAccountId: request.requestingAccountId,
        fromAccountName: request.requestingAccountName ?? '',
        access,
        message,
        grantedAt: command.metadata.at,
        grantedBy: command.metadata.actor.userId,
      },
    },
  ];
}

function grantRevoked(
  state: AccountState,
  grant: ExternalGrantState,
  reason: ExternalGroupAccessRevoked['data']['reason'],
  at: string,
  by: string | null,
): AccountEvent {
  return {
    type: 'ExternalGroupAccessRevoked',
    data: {
      accountId: state.accountId,
      groupId: grant.groupId,
      fromAccountId: grant.fromAccountId,
      reason,
      revokedAt: at,
      revokedBy: by,
    },
  };
}

export function decideRevokeExternalGroupAccess(
  command: RevokeExternalGroupAccessCommand,
  state: AccountState,
): AccountEvent[] {
  authorize(state, command.metadata.actor, 'decideAccessRequests', command.metadata.externalRoles);
  const grant = lookup(state.externalGrants, command.data.groupId);
  if (grant === undefined) throw notFound(EXTERNAL_GRANT_NOT_FOUND_MESSAGE);
  return [grantRevoked(state, grant, 'REVOKED', command.metadata.at, command.metadata.actor.userId)];
}

/** System command, no authorization: nothing to do when no grant of that group (from that account) is left. */
export function decideRevokeDeletedGroupGrant(
  command: RevokeDeletedGroupGrantCommand,
  state: AccountState,
): AccountEvent[] {
  const grant = lookup(state.externalGrants, command.data.groupId);
  if (!state.exists || grant === undefined || grant.fromAccountId !== command.data.fromAccountId) return [];
  return [grantRevoked(state, grant, 'GROUP_DELETED', command.metadata.at, null)];
}
