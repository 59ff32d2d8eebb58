import type { DomainEvent } from '../decider';
import type { RoleAssignment, VirtualAccountRole } from './roles';

export type AddUserOutcome =
  'ADDED' | 'WOULD_ADD' | 'ALREADY_MEMBER' | 'NOT_FOUND' | 'INVALID' | 'DUPLICATE_IN_BATCH';

/** One entry's outcome in an addUsers batch (GraphQL `AddUserResult`, with `userId` for `user`). */
export type AddUserResultData = {
  input: string;
  line: number | null;
  outcome: AddUserOutcome;
  message: string | null;
  userId: string | null;
};

/** Virtual Account access a group gives its members. */
export type GroupAccess = { virtualAccountId: string; role: VirtualAccountRole };

export type SmartAccountCreated = DomainEvent<
  'SmartAccountCreated',
  { accountId: string; name: string; domainIdentifier: string; createdAt: string; createdBy: string }
>;

export type VirtualAccountCreated = DomainEvent<
  'VirtualAccountCreated',
  {
    accountId: string;
    virtualAccountId: string;
    name: string;
    description: string | null;
    isDefault: boolean;
    createdAt: string;
  }
>;

/** One per user; an addUsers batch appends many at once. */
export type UserAdded = DomainEvent<
  'UserAdded',
  {
    accountId: string;
    userId: string;
    roles: RoleAssignment[];
    notify: boolean;
    addedAt: string;
    addedBy: string;
  }
>;

export type UserRolesChanged = DomainEvent<
  'UserRolesChanged',
  { accountId: string; userId: string; roles: RoleAssignment[]; previousRoles: RoleAssignment[] }
>;

export type UserRemoved = DomainEvent<
  'UserRemoved',
  {
    accountId: string;
    userId: string;
    previousRoles: RoleAssignment[];
    /** Every group of the account the user was a member of; they leave them all. */
    removedFromGroups: string[];
    notify: boolean;
  }
>;

/** Appended with an addUsers batch that carried an idempotency key, so a retry returns these results. */
export type UserBatchRecorded = DomainEvent<
  'UserBatchRecorded',
  { accountId: string; idempotencyKey: string; actorId: string; results: AddUserResultData[] }
>;

export type GroupCreated = DomainEvent<
  'GroupCreated',
  {
    accountId: string;
    groupId: string;
    name: string;
    description: string | null;
    memberIds: string[];
    access: GroupAccess[];
    createdAt: string;
  }
>;

export type GroupUpdated = DomainEvent<
  'GroupUpdated',
  /** Only the fields that changed are present. */
  { accountId: string; groupId: string; name?: string; description?: string | null }
>;

export type GroupMembersAdded = DomainEvent<
  'GroupMembersAdded',
  { accountId: string; groupId: string; userIds: string[] }
>;

export type GroupMembersRemoved = DomainEvent<
  'GroupMembersRemoved',
  { accountId: string; groupId: string; userIds: string[] }
>;

export type GroupAccessChanged = DomainEvent<
  'GroupAccessChanged',
  { accountId: string; groupId: string; access: GroupAccess[]; previousAccess: GroupAccess[] }
>;

export type GroupDeleted = DomainEvent<
  'GroupDeleted',
  { accountId: string; groupId: string; name: string; memberIds: string[]; access: GroupAccess[] }
>;

/**
 * A message to a group's members, recorded once with every recipient (delivered by email to
 * each). A group without members still records it, with no recipients.
 */
export type GroupMessageSent = DomainEvent<
  'GroupMessageSent',
  {
    accountId: string;
    groupId: string;
    messageId: string;
    subject: string;
    body: string;
    recipientIds: string[];
    sentAt: string;
    sentBy: string;
  }
>;

/** A person asks for access (`USER`), or an administrator asks for it for a group of another account (`GROUP`). */
export type AccessRequestKind = 'USER' | 'GROUP';

/**
 * Appended to the TARGET account's stream. The requesting* fields are set for GROUP requests
 * only. The first reminder is allowed one interval after `createdAt` (the administrators were
 * just emailed).
 */
export type AccessRequested = DomainEvent<
  'AccessRequested',
  {
    accountId: string;
    requestId: string;
    /** Human-readable code emailed to the administrators (matched case-insensitively, dashes ignored). */
    lookupId: string;
    kind: AccessRequestKind;
    requesterId: string;
    reason: string;
    requestingAccountId: string | null;
    requestingAccountName: string | null;
    requestingGroupId: string | null;
    requestingGroupName: string | null;
    createdAt: string;
    nextReminderAllowedAt: string;
  }
>;

export type AccessReminderSent = DomainEvent<
  'AccessReminderSent',
  {
    accountId: string;
    requestId: string;
    requesterId: string;
    sentAt: string;
    /** How many reminders this request has had, this one included. */
    remindersSent: number;
    nextReminderAllowedAt: string;
  }
>;

/** For a USER request, appended together with the UserAdded / UserRolesChanged that grants `roles`. */
export type AccessApproved = DomainEvent<
  'AccessApproved',
  {
    accountId: string;
    requestId: string;
    requesterId: string;
    kind: AccessRequestKind;
    roles: RoleAssignment[];
    message: string | null;
    decidedBy: string;
    decidedAt: string;
  }
>;

export type AccessDeclined = DomainEvent<
  'AccessDeclined',
  {
    accountId: string;
    requestId: string;
    requesterId: string;
    kind: AccessRequestKind;
    message: string | null;
    decidedBy: string;
    decidedAt: string;
  }
>;

export type AccessRequestCancelled = DomainEvent<
  'AccessRequestCancelled',
  { accountId: string; requestId: string; requesterId: string; cancelledAt: string }
>;

/** A group of another account gets Virtual Account access here; also approves its GROUP request. */
export type ExternalGroupAccessGranted = DomainEvent<
  'ExternalGroupAccessGranted',
  {
    /** The target: the account granting access. */
    accountId: string;
    requestId: string;
    lookupId: string;
    requesterId: string;
    groupId: string;
    groupName: string;
    fromAccountId: string;
    fromAccountName: string;
    access: GroupAccess[];
    message: string | null;
    grantedAt: string;
    grantedBy: string;
  }
>;

/** `GROUP_DELETED`: the group was deleted in its own account (then `revokedBy` is null). */
export type ExternalGroupAccessRevoked = DomainEvent<
  'ExternalGroupAccessRevoked',
  {
    accountId: string;
    groupId: string;
    fromAccountId: string;
    reason: 'REVOKED' | 'GROUP_DELETED';
    revokedAt: string;
    revokedBy: string | null;
  }
>;

/** The events about access requests and external group grants. */
export type AccessRequestEvent =
  | AccessRequested
  | AccessReminderSent
  | AccessApproved
  | AccessDeclined
  | AccessRequestCancelled
  | ExternalGroupAccessGranted
  | ExternalGroupAccessRevoked;

export type AccountEvent =
  | SmartAccountCreated
  | VirtualAccountCreated
  | UserAdded
  | UserRolesChanged
  | UserRemoved
  | UserBatchRecorded
  | GroupCreated
  | GroupUpdated
  | GroupMembersAdded
  | GroupMembersRemoved
  | GroupAccessChanged
  | GroupDeleted
  | GroupMessageSent
  | AccessRequestEvent;

export type AccountEventType = AccountEvent['type'];

export const ACCOUNT_EVENT_TYPES = [
  'SmartAccountCreated',
  'VirtualAccountCreated',
  'UserAdded',
  'UserRolesChanged',
  'UserRemoved',
  'UserBatchRecorded',
  'GroupCreated',
  'GroupUpdated',
  'GroupMembersAdded',
  'GroupMembersRemoved',
  'GroupAccessChanged',
  'GroupDeleted',
  'GroupMessageSent',
  'AccessRequested',
  'AccessReminderSent',
  'AccessApproved',
  'AccessDeclined',
  'AccessRequestCancelled',
  'ExternalGroupAccessGranted',
  'ExternalGroupAccessRevoked',
] as const satisfies readonly AccountEventType[];
