import type { AccountEvent, GroupAccess } from '../domain/account/events';
import type { RoleAssignment } from '../domain/account/roles';
import { lookup, type AccountState } from '../domain/account/state';

/** Who caused an event, as the history shows it. */
export interface EventActor {
  actorId: string | null;
  supportCaseId: string | null;
}

/** "alice"; "support (case CS-1042)" when licensing support acted; "the system" for no one. */
export function actorPhrase({ actorId, supportCaseId }: EventActor): string {
  if (supportCaseId !== null && supportCaseId !== '') return `support (case ${supportCaseId})`;
  return actorId ?? 'the system';
}

const list = (items: readonly string[]): string =>
  items.length <= 1
    ? (items[0] ?? 'nobody')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

const vaName = (state: AccountState, id: string): string => lookup(state.virtualAccounts, id)?.name ?? id;

/** "SMART_ACCOUNT_USER", "VIRTUAL_ACCOUNT_VIEWER on Sales"; "no roles". */
export function rolesPhrase(state: AccountState, roles: readonly RoleAssignment[]): string {
  if (roles.length === 0) return 'no roles';
  return roles
    .map(({ role, virtualAccountId }) =>
      virtualAccountId === null ? role : `${role} on ${vaName(state, virtualAccountId)}`,
    )
    .join(', ');
}

const accessPhrase = (state: AccountState, access: readonly GroupAccess[]): string =>
  rolesPhrase(
    state,
    access.map(({ role, virtualAccountId }) => ({ role, virtualAccountId })),
  );

const groupPhrase = (state: AccountState, groupId: string, fallback?: string): string =>
  `group "${lookup(state.groups, groupId)?.name ?? fallback ?? groupId}"`;

const requestPhrase = (state: AccountState, requestId: string): string => {
  const lookupId = lookup(state.accessRequests, requestId)?.lookupId;
  return lookupId === undefined ? 'access request' : `access request ${lookupId}`;
};

const possessive = (userId: string): string => `${userId}'s`;

/**
 * One line a person reads, judged on the account as it stood just before the event (group
 * and Virtual Account names, lookup IDs). Users are named by user ID.
 */
export function summarize(event: AccountEvent, before: AccountState, actor: EventActor): string {
  const who = actorPhrase(actor);
  switch (event.type) {
    case 'SmartAccountCreated':
      return `${who} created Smart Account "${event.data.name}" (${event.data.domainIdentifier})`;
    case 'VirtualAccountCreated':
      return event.data.isDefault
        ? `${who} created the default Virtual Account "${event.data.name}"`
        : `${who} created Virtual Account "${event.data.name}"`;
    case 'UserAdded':
      return `${who} added ${event.data.userId} with ${rolesPhrase(before, event.data.roles)}`;
    case 'UserRolesChanged':
      return `${who} changed ${possessive(event.data.userId)} roles from ${rolesPhrase(
        before,
        event.data.previousRoles,
      )} to ${rolesPhrase(before, event.data.roles)}`;
    case 'UserRemoved': {
      const groups = event.data.removedFromGroups.map((id) => groupPhrase(before, id));
      const left = groups.length === 0 ? '' : ` (who left ${list(groups)})`;
      return `${who} removed ${event.data.userId}${left}`;
    }
    case 'UserBatchRecorded':
      return `${who} recorded the outcome of an add-users batch (${event.data.results.length} entries)`;
    case 'GroupCreated': {
      const { name, memberIds, access } = event.data;
      return `${who} created group "${name}" with ${memberIds.length} member${
        memberIds.length === 1 ? '' : 's'
      } and ${accessPhrase(before, access)}`;
    }
    case 'GroupUpdated': {
      const group = groupPhrase(before, event.data.groupId);
      const parts: string[] = [];
      if (event.data.name !== undefined) parts.push(`renamed ${group} to "${event.data.name}"`);
      if (event.data.description !== undefined)
        parts.push(
          `${parts.length === 0 ? `changed the description of ${group}` : 'changed its description'}`,
        );
      return `${who} ${parts.length === 0 ? `updated ${group}` : parts.join(' and ')}`;
    }
    case 'GroupMembersAdded':
      return `${who} added ${list(event.data.userIds)} to ${groupPhrase(before, event.data.groupId)}`;
    case 'GroupMembersRemoved':
      return `${who} removed ${list(event.data.userIds)} from ${groupPhrase(before, event.data.groupId)}`;
    case 'GroupAccessChanged':
      return `${who} changed the access of ${groupPhrase(before, event.data.groupId)} from ${accessPhrase(
        before,
        event.data.previousAccess,
      )} to ${accessPhrase(before, event.data.access)}`;
    case 'GroupDeleted':
      return `${who} deleted ${groupPhrase(before, event.data.groupId, event.data.name)}`;
    case 'GroupMessageSent': {
      const count = event.data.recipientIds.length;
      return `${who} sent "${event.data.subject}" to ${count} member${count === 1 ? '' : 's'} of ${groupPhrase(
        before,
        event.data.groupId,
      )}`;
    }
    case 'AccessRequested': {
      const { requesterId, lookupId, kind, requestingGroupName, requestingAccountName } = event.data;
      return kind === 'GROUP'
        ? `${requesterId} requested access for group "${requestingGroupName ?? ''}" of ${
            requestingAccountName ?? 'another Smart Account'
          } (access request ${lookupId})`
        : `${requesterId} requested access (access request ${lookupId})`;
    }
    case 'AccessReminderSent':
      return `${event.data.requesterId} sent reminder ${event.data.remindersSent} about ${requestPhrase(
        before,
        event.data.requestId,
      )}`;
    case 'AccessApproved':
      return `${who} approved ${possessive(event.data.requesterId)} ${requestPhrase(before, event.data.requestId)}${
        event.data.kind === 'USER' ? ` with ${rolesPhrase(before, event.data.roles)}` : ''
      }`;
    case 'AccessDeclined':
      return `${who} declined ${possessive(event.data.requesterId)} ${requestPhrase(before, event.data.requestId)}`;
    case 'AccessRequestCancelled':
      return `${event.data.requesterId} cancelled their ${requestPhrase(before, event.data.requestId)}`;
    case 'ExternalGroupAccessGranted': {
      const { groupName, fromAccountName, access } = event.data;
      return `${who} granted group "${groupName}" of ${fromAccountName} ${accessPhrase(before, access)}`;
    }
    case 'ExternalGroupAccessRevoked': {
      const grant = lookup(before.externalGrants, event.data.groupId);
      const group = grant
        ? `group "${grant.groupName}" of ${grant.fromAccountName}`
        : `group ${event.data.groupId}`;
      return event.data.reason === 'GROUP_DELETED'
        ? `${group} lost its access: it was deleted in its own Smart Account`
        : `${who} revoked the access of ${group}`;
    }
  }
}

/** The users an event is about: the subject filter matches any of them. */
export function subjectsOf(event: AccountEvent): string[] {
  switch (event.type) {
    case 'UserAdded':
    case 'UserRolesChanged':
    case 'UserRemoved':
      return [event.data.userId];
    case 'GroupMembersAdded':
    case 'GroupMembersRemoved':
      return event.data.userIds;
    case 'AccessRequested':
    case 'AccessReminderSent':
    case 'AccessApproved':
    case 'AccessDeclined':
    case 'AccessRequestCancelled':
      return [event.data.requesterId];
    default:
      return [];
  }
}

/** `HistoryEntry.subjectUserId`: the one user the event is about, when there is exactly one. */
export const subjectUserIdOf = (event: AccountEvent): string | null => {
  const subjects = subjectsOf(event);
  return subjects.length === 1 ? subjects[0] : null;
};
