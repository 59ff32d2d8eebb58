import type { Actor } from '../decider';
import { DomainError, badInput, conflict, forbidden, notFound } from '../errors';
import { boundedText, optionalText } from '../validation';
import { normalizeLookupId, type AccessRequestState } from './access-request-state';
import type {
  ApproveAccessRequestCommand,
  CancelAccessRequestCommand,
  DeclineAccessRequestCommand,
  RequestAccessCommand,
  RequestGroupAccessCommand,
  SendAccessReminderCommand,
} from './commands';
import type { AccountEvent, AccessRequested } from './events';
import {
  accountNotFound,
  can,
  forbidSupportSelfGrant,
  forbiddenTo,
  type EffectiveRoleAssignment,
} from './permissions';
import { mergeAssignments, sameAssignment, validateAssignments } from './roles';
import { lookup, type AccountState } from './state';

export const ACCESS_REASON_MAX = 1000;
export const ACCESS_DECISION_MESSAGE_MAX = 1000;
export const ACCESS_REQUEST_NOT_FOUND_MESSAGE = 'Access request not found';
export const ALREADY_HOLDS_ROLE_MESSAGE = 'You already hold a role in this Smart Account';
export const GROUP_REQUEST_NEEDS_GRANT_MESSAGE = 'Grant a group request with grantExternalGroupAccess';

export const accessRequestNotFound = (): DomainError => notFound(ACCESS_REQUEST_NOT_FOUND_MESSAGE);

/** ISO time `seconds` after `iso`. */
export const plusSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** May `actor` see this request: its requester, or whoever may read the account's access requests. */
export function canReadAccessRequest(
  state: AccountState,
  actor: Actor,
  requestId: string,
  extra: readonly EffectiveRoleAssignment[] = [],
): boolean {
  const request = lookup(state.accessRequests, requestId);
  if (request === undefined) return false;
  return request.requesterId === actor.userId || can(state, actor, 'readAccessRequests', extra);
}

/** CONFLICT unless the request is still PENDING. */
export function requirePending(request: AccessRequestState): void {
  if (request.status !== 'PENDING') {
    throw conflict(`This access request is already ${request.status.toLowerCase()}`, {
      requestId: request.id,
      status: request.status,
    });
  }
}

type RequesterCommand = SendAccessReminderCommand | CancelAccessRequestCommand;

/** The request, when `command`'s actor filed it: NOT_FOUND to those who may not see it, else FORBIDDEN. */
function ownRequest(
  command: RequesterCommand,
  state: AccountState,
  forbiddenMessage: string,
): AccessRequestState {
  const request = lookup(state.accessRequests, command.data.requestId);
  if (
    request === undefined ||
    !canReadAccessRequest(state, command.metadata.actor, request.id, command.metadata.externalRoles)
  )
    throw accessRequestNotFound();
  if (request.requesterId !== command.metadata.actor.userId) throw forbidden(forbiddenMessage);
  return request;
}

type DecisionCommand = ApproveAccessRequestCommand | DeclineAccessRequestCommand;

/** The request, when `command`'s actor may decide it: NOT_FOUND to those who may not see it, else FORBIDDEN. */
function decidableRequest(command: DecisionCommand, state: AccountState): AccessRequestState {
  const { actor, externalRoles: extra = [] } = command.metadata;
  const request = lookup(state.accessRequests, command.data.requestId);
  if (request === undefined) throw accessRequestNotFound();
  if (!can(state, actor, 'decideAccessRequests', extra)) {
    if (!canReadAccessRequest(state, actor, request.id, extra)) throw accessRequestNotFound();
    throw forbiddenTo('decideAccessRequests');
  }
  return request;
}

/** CONFLICT when the lookup ID (normalized) or the request ID is already taken in this account. */
function requireFreeIds(state: AccountState, requestId: string, lookupId: string): void {
  if (lookup(state.accessRequests, requestId) !== undefined) {
    throw conflict('An access request with this ID already exists');
  }
  if (lookup(state.requestIdByLookupId, normalizeLookupId(lookupId)) !== undefined) {
    throw conflict('This lookup ID is already taken in this Smart Account', { field: 'lookupId' });
  }
}

const requested = (
  command: RequestAccessCommand | RequestGroupAccessCommand,
  state: AccountState,
  reason: string,
  requesting: Pick<
    AccessRequested['data'],
    'kind' | 'requestingAccountId' | 'requestingAccountName' | 'requestingGroupId' | 'requestingGroupName'
  >,
): AccountEvent => ({
  type: 'AccessRequested',
  data: {
    accountId: state.accountId,
    requestId: command.data.requestId,
    lookupId: command.data.lookupId,
    requesterId: command.metadata.actor.userId,
    reason,
    ...requesting,
    createdAt: command.metadata.at,
    // The administrators were just emailed: the first reminder waits one interval.
    nextReminderAllowedAt: plusSeconds(command.metadata.at, command.data.reminderIntervalSeconds),
  },
});

export function decideRequestAccess(command: RequestAccessCommand, state: AccountState): AccountEvent[] {
  if (!state.exists) throw accountNotFound();
  const requesterId = command.metadata.actor.userId;
  if ((lookup(state.users, requesterId)?.roles.length ?? 0) > 0) throw forbidden(ALREADY_HOLDS_ROLE_MESSAGE);
  const reason = boundedText(command.data.reason, 'reason', 1, ACCESS_REASON_MAX, 'multiline');
  const pending = lookup(state.pendingRequestByRequester, requesterId);
  if (pending !== undefined) {
    throw conflict('You already have a pending access request for this Smart Account', {
      requestId: pending,
    });
  }
  requireFreeIds(state, command.data.requestId, command.data.lookupId);
  return [
    requested(command, state, reason, {
      kind: 'USER',
      requestingAccountId: null,
      requestingAccountName: null,
      requestingGroupId: null,
      requestingGroupName: null,
    }),
  ];
}

export function decideRequestGroupAccess(
  command: RequestGroupAccessCommand,
  state: AccountState,
): AccountEvent[] {
  if (!state.exists) throw accountNotFound();
  if (command.data.requestingAccountId === state.accountId) {
    throw badInput('A group cannot request access to its own Smart Account', 'domainIdentifier');
  }
  const reason = boundedText(command.data.reason, 'reason', 1, ACCESS_REASON_MAX, 'multiline');
  const groupId = command.data.requestingGroupId;
  const pending = lookup(state.pendingRequestByGroup, groupId);
  if (pending !== undefined) {
    throw conflict('This group already has a pending access request for this Smart Account', {
      requestId: pending,
    });
  }
  if (lookup(state.externalGrants, groupId) !== undefined) {
    throw conflict('This group already has access to this Smart Account', { groupId });
  }
  requireFreeIds(state, command.data.requestId, command.data.lookupId);
  return [
    requested(command, state, reason, {
      kind: 'GROUP',
      requestingAccountId: command.data.requestingAccountId,
      requestingAccountName: command.data.requestingAccountName,
      requestingGroupId: groupId,
      requestingGroupName: command.data.requestingGroupName,
    }),
  ];
}

export function decideSendAccessReminder(
  command: SendAccessReminderCommand,
  state: AccountState,
): AccountEvent[] {
  const request = ownRequest(command, state, 'Only the requester may send a reminder');
  requirePending(request);
  const next = request.nextReminderAllowedAt;
  if (next !== null && Date.parse(command.metadata.at) < Date.parse(next)) {
    const retryAfterSeconds = Math.ceil((Date.parse(next) - Date.parse(command.metadata.at)) / 1000);
    throw new DomainError('RATE_LIMITED', `You may send the next reminder in ${retryAfterSeconds} seconds`, {
      retryAfterSeconds,
      nextReminderAllowedAt: next,
    });
  }
  return [
    {
      type: 'AccessReminderSent',
      data: {
        accountId: state.accountId,
        requestId: request.id,
        requesterId: request.requesterId,
        sentAt: command.metadata.at,
        remindersSent: request.remindersSent + 1,
        nextReminderAllowedAt: plusSeconds(command.metadata.at, command.data.reminderIntervalSeconds),
      },
    },
  ];
}

export function decideCancelAccessRequest(
  command: CancelAccessRequestCommand,
  state: AccountState,
): AccountEvent[] {
  const request = ownRequest(command, state, 'Only the requester may cancel an access request');
  requirePending(request);
  return [
    {
      type: 'AccessRequestCancelled',
      data: {
        accountId: state.accountId,
        requestId: request.id,
        requesterId: request.requesterId,
        cancelledAt: command.metadata.at,
      },
    },
  ];
}

/**
 * One decision, one append: AccessApproved plus the access itself — UserAdded when the
 * requester is not a user yet, or UserRolesChanged when merging the roles adds any.
 */
export function decideApproveAccessRequest(
  command: ApproveAccessRequestCommand,
  state: AccountState,
): AccountEvent[] {
  const request = decidableRequest(command, state);
  requirePending(request);
  if (request.kind !== 'USER') throw badInput(GROUP_REQUEST_NEEDS_GRANT_MESSAGE);
  forbidSupportSelfGrant(command.metadata.actor, [request.requesterId]);
  const roles = validateAssignments(command.data.roles ?? [], state, 'roles');
  const message = optionalText(command.data.message, 'message', ACCESS_DECISION_MESSAGE_MAX, 'multiline');
  const { accountId } = state;
  const { requesterId } = request;
  const decidedBy = command.metadata.actor.userId;
  const events: AccountEvent[] = [
    {
      type: 'AccessApproved',
      data: {
        accountId,
        requestId: request.id,
        requesterId,
        kind: request.kind,
        roles,
        message,
        decidedBy,
        decidedAt: command.metadata.at,
      },
    },
  ];
  const user = lookup(state.users, requesterId);
  if (user === undefined) {
    events.push({
      type: 'UserAdded',
      data: {
        accountId,
        userId: requesterId,
        roles,
        notify: false,
        addedAt: command.metadata.at,
        addedBy: decidedBy,
      },
    });
  } else {
    const adds = roles.some((granted) => !user.roles.some((held) => sameAssignment(held, granted)));
    if (adds) {
      const merged = mergeAssignments(user.roles, roles);
      events.push({
        type: 'UserRolesChanged',
        data: {
          accountId,
          userId: requesterId,
          roles: merged,
          previousRoles: user.roles.map(({ role, virtualAccountId }) => ({ role, virtualAccountId })),
        },
      });
    }
  }
  return events;
}

export function decideDeclineAccessRequest(
  command: DeclineAccessRequestCommand,
  state: AccountState,
): AccountEvent[] {
  const request = decidableRequest(command, state);
  requirePending(request);
  const message = optionalText(command.data.message, 'message', ACCESS_DECISION_MESSAGE_MAX, 'multiline');
  return [
    {
      type: 'AccessDeclined',
      data: {
        accountId: state.accountId,
        requestId: request.id,
        requesterId: request.requesterId,
        kind: request.kind,
        message,
        decidedBy: command.metadata.actor.userId,
        decidedAt: command.metadata.at,
      },
    },
  ];
}
