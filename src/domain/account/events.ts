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
  | GroupMessageSent;

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
] as const satisfies readonly AccountEventType[];
