import type { AccessRequestEvent, AccessRequestKind, GroupAccess } from './events';
import type { RoleAssignment } from './roles';

export type AccessRequestStatus = 'PENDING' | 'APPROVED' | 'DECLINED' | 'CANCELLED';

/** One access request to this account, with every field the API shows. */
export type AccessRequestState = {
  id: string;
  lookupId: string;
  kind: AccessRequestKind;
  status: AccessRequestStatus;
  reason: string;
  requesterId: string;
  /** GROUP requests only: the requesting group and its account. */
  requestingAccountId: string | null;
  requestingAccountName: string | null;
  requestingGroupId: string | null;
  requestingGroupName: string | null;
  createdAt: string;
  updatedAt: string;
  remindersSent: number;
  lastReminderAt: string | null;
  /** Null once the request is no longer PENDING: no reminder can be sent. */
  nextReminderAllowedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionMessage: string | null;
  /** On approval: the roles (USER) or the Virtual Account access (GROUP) granted. */
  grantedRoles: RoleAssignment[];
};

/** A group of another Smart Account that was granted access to this one. */
export type ExternalGrantState = {
  groupId: string;
  groupName: string;
  fromAccountId: string;
  fromAccountName: string;
  access: GroupAccess[];
  /** The GROUP request the grant approved. */
  requestId: string;
  message: string | null;
  grantedAt: string;
  grantedBy: string;
};

/** The access-request part of the account's state. Every record is prototype-free. */
export interface AccessRequestsState {
  accessRequests: Record<string, AccessRequestState>;
  /** Requester → their PENDING USER request (at most one per person). */
  pendingRequestByRequester: Record<string, string>;
  /** Requesting group → its PENDING GROUP request (at most one per group). */
  pendingRequestByGroup: Record<string, string>;
  /** `normalizeLookupId(lookupId)` → request ID. */
  requestIdByLookupId: Record<string, string>;
  /** Group ID → its grant. */
  externalGrants: Record<string, ExternalGrantState>;
}

/** Lookup IDs match case-insensitively, ignoring dashes and white space. */
export const normalizeLookupId = (lookupId: string): string => lookupId.toUpperCase().replace(/[-\s]/g, '');

const emptyRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
const own = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

export function initialAccessRequestsState(): AccessRequestsState {
  return {
    accessRequests: emptyRecord(),
    pendingRequestByRequester: emptyRecord(),
    pendingRequestByGroup: emptyRecord(),
    requestIdByLookupId: emptyRecord(),
    externalGrants: emptyRecord(),
  };
}

/** Takes a request out of PENDING: it no longer blocks a new one, and no reminder can be sent. */
function close(
  state: AccessRequestsState,
  request: AccessRequestState,
  status: Exclude<AccessRequestStatus, 'PENDING'>,
  at: string,
): void {
  request.status = status;
  request.updatedAt = at;
  request.nextReminderAllowedAt = null;
  if (request.kind === 'USER') {
    if (own(state.pendingRequestByRequester, request.requesterId) === request.id)
      delete state.pendingRequestByRequester[request.requesterId];
  } else if (request.requestingGroupId !== null) {
    if (own(state.pendingRequestByGroup, request.requestingGroupId) === request.id)
      delete state.pendingRequestByGroup[request.requestingGroupId];
  }
}

function recordDecision(
  request: AccessRequestState,
  decidedBy: string,
  decidedAt: string,
  message: string | null,
  grantedRoles: RoleAssignment[],
): void {
  request.decidedBy = decidedBy;
  request.decidedAt = decidedAt;
  request.decisionMessage = message;
  request.grantedRoles = grantedRoles;
}

/** Updates `state` in place (see `evolveAccount`). */
export function evolveAccessRequests<S extends AccessRequestsState>(state: S, event: AccessRequestEvent): S {
  switch (event.type) {
    case 'AccessRequested': {
      const { data } = event;
      state.accessRequests[data.requestId] = {
        id: data.requestId,
        lookupId: data.lookupId,
        kind: data.kind,
        status: 'PENDING',
        reason: data.reason,
        requesterId: data.requesterId,
        requestingAccountId: data.requestingAccountId,
        requestingAccountName: data.requestingAccountName,
        requestingGroupId: data.requestingGroupId,
        requestingGroupName: data.requestingGroupName,
        createdAt: data.createdAt,
        updatedAt: data.createdAt,
        remindersSent: 0,
        lastReminderAt: null,
        nextReminderAllowedAt: data.nextReminderAllowedAt,
        decidedBy: null,
        decidedAt: null,
        decisionMessage: null,
        grantedRoles: [],
      };
      state.requestIdByLookupId[normalizeLookupId(data.lookupId)] = data.requestId;
      if (data.kind === 'USER') state.pendingRequestByRequester[data.requesterId] = data.requestId;
      else if (data.requestingGroupId !== null)
        state.pendingRequestByGroup[data.requestingGroupId] = data.requestId;
      return state;
    }
    case 'AccessReminderSent': {
      const request = own(state.accessRequests, event.data.requestId);
      if (request === undefined) return state;
      request.remindersSent = event.data.remindersSent;
      request.lastReminderAt = event.data.sentAt;
      request.updatedAt = event.data.sentAt;
      request.nextReminderAllowedAt = event.data.nextReminderAllowedAt;
      return state;
    }
    case 'AccessApproved': {
      const { requestId, roles, message, decidedBy, decidedAt } = event.data;
      const request = own(state.accessRequests, requestId);
      if (request === undefined) return state;
      close(state, request, 'APPROVED', decidedAt);
      recordDecision(
        request,
        decidedBy,
        decidedAt,
        message,
        roles.map(({ role, virtualAccountId }) => ({ role, virtualAccountId })),
      );
      return state;
    }
    case 'AccessDeclined': {
      const { requestId, message, decidedBy, decidedAt } = event.data;
      const request = own(state.accessRequests, requestId);
      if (request === undefined) return state;
      close(state, request, 'DECLINED', decidedAt);
      recordDecision(request, decidedBy, decidedAt, message, []);
      return state;
    }
    case 'AccessRequestCancelled': {
      const request = own(state.accessRequests, event.data.requestId);
      if (request !== undefined) close(state, request, 'CANCELLED', event.data.cancelledAt);
      return state;
    }
    case 'ExternalGroupAccessGranted': {
      const { data } = event;
      const access = data.access.map(({ virtualAccountId, role }) => ({ virtualAccountId, role }));
      state.externalGrants[data.groupId] = {
        groupId: data.groupId,
        groupName: data.groupName,
        fromAccountId: data.fromAccountId,
        fromAccountName: data.fromAccountName,
        access,
        requestId: data.requestId,
        message: data.message,
        grantedAt: data.grantedAt,
        grantedBy: data.grantedBy,
      };
      const request = own(state.accessRequests, data.requestId);
      if (request !== undefined) {
        close(state, request, 'APPROVED', data.grantedAt);
        const granted = access.map(({ virtualAccountId, role }) => ({ role, virtualAccountId }));
        recordDecision(request, data.grantedBy, data.grantedAt, data.message, granted);
      }
      return state;
    }
    case 'ExternalGroupAccessRevoked': {
      const grant = own(state.externalGrants, event.data.groupId);
      if (grant !== undefined && grant.fromAccountId === event.data.fromAccountId)
        delete state.externalGrants[grant.groupId];
      return state;
    }
  }
}
