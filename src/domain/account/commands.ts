import type { Actor } from '../decider';
import type { EffectiveRoleAssignment } from './permissions';
import type { RoleAssignmentInput } from './roles';

interface AccountCommandBase {
  actor: Actor;
  /** ISO-8601 time of the command. */
  at: string;
  /**
   * Roles the actor holds in this account through another account's group (external group
   * grants), resolved by the application. Optional hook: absent means none.
   */
  actorExternalRoles?: readonly EffectiveRoleAssignment[];
}

export interface CreateSmartAccountCommand extends AccountCommandBase {
  type: 'CreateSmartAccount';
  accountId: string;
  name: string;
  domainIdentifier: string;
  defaultVirtualAccountId: string;
}

export interface CreateVirtualAccountCommand extends AccountCommandBase {
  type: 'CreateVirtualAccount';
  virtualAccountId: string;
  name: string;
  description?: string | null;
}

/** One typed-in or CSV entry, already resolved by the application to a profile or a problem. */
export interface AddUsersEntry {
  /** The entry as given. */
  input: string;
  /** 1-based CSV line; null for typed-in entries. */
  line: number | null;
  /** The active profile the entry names; null when `problem` is set. */
  userId: string | null;
  problem: 'NOT_FOUND' | 'INVALID' | null;
  /** Why, for a problem; a default is used when absent. */
  message?: string;
}

export interface AddUsersCommand extends AccountCommandBase {
  type: 'AddUsers';
  entries: readonly AddUsersEntry[];
  roles: readonly RoleAssignmentInput[];
  notify: boolean;
  dryRun: boolean;
  idempotencyKey: string | null;
}

export interface SetUserRolesCommand extends AccountCommandBase {
  type: 'SetUserRoles';
  userId: string;
  roles: readonly RoleAssignmentInput[];
}

export interface RemoveUserCommand extends AccountCommandBase {
  type: 'RemoveUser';
  userId: string;
  notify: boolean;
}

/** Virtual Account access for a group, as the client sends it (GraphQL `GroupVirtualAccountAccessInput`). */
export type GroupAccessInput = { virtualAccountId: string; role: string };

export interface CreateUserGroupCommand extends AccountCommandBase {
  type: 'CreateUserGroup';
  groupId: string;
  name: string;
  description?: string | null;
  memberUserIds: readonly string[];
  virtualAccountAccess: readonly GroupAccessInput[];
}

export interface UpdateUserGroupCommand extends AccountCommandBase {
  type: 'UpdateUserGroup';
  groupId: string;
  /** Absent or null: keep the name. */
  name?: string | null;
  /** Absent: keep the description; null or blank: clear it. */
  description?: string | null;
}

export interface EditUserGroupMembersCommand extends AccountCommandBase {
  type: 'EditUserGroupMembers';
  groupId: string;
  add: readonly string[];
  remove: readonly string[];
}

export interface SetUserGroupAccessCommand extends AccountCommandBase {
  type: 'SetUserGroupAccess';
  groupId: string;
  /** The group's whole access from now on; empty takes all of it away. */
  access: readonly GroupAccessInput[];
}

export interface DeleteUserGroupCommand extends AccountCommandBase {
  type: 'DeleteUserGroup';
  groupId: string;
}

export interface SendGroupMessageCommand extends AccountCommandBase {
  type: 'SendGroupMessage';
  groupId: string;
  /** Chosen by the application, like other IDs. */
  messageId: string;
  subject: string;
  body: string;
}

export type AccountCommand =
  | CreateSmartAccountCommand
  | CreateVirtualAccountCommand
  | AddUsersCommand
  | SetUserRolesCommand
  | RemoveUserCommand
  | CreateUserGroupCommand
  | UpdateUserGroupCommand
  | EditUserGroupMembersCommand
  | SetUserGroupAccessCommand
  | DeleteUserGroupCommand
  | SendGroupMessageCommand;
