import { DomainError, badInput, conflict, notFound } from '../errors';
import { DESCRIPTION_MAX, NAME_MAX, boundedText, optionalText } from '../validation';
import type {
  CreateUserGroupCommand,
  DeleteUserGroupCommand,
  EditUserGroupMembersCommand,
  GroupAccessInput,
  SendGroupMessageCommand,
  SetUserGroupAccessCommand,
  UpdateUserGroupCommand,
} from './commands';
import type { AccountEvent, GroupAccess } from './events';
import { authorize, forbidSupportSelfGrant } from './permissions';
import { isVirtualAccountRole } from './roles';
import { groupNameKey, lookup, type AccountState, type GroupState } from './state';

export const MESSAGE_SUBJECT_MAX = 200;
export const MESSAGE_BODY_MAX = 10_000;
/** Most user IDs one command may list (members of a new group, or to add, or to remove). */
export const GROUP_MEMBERS_INPUT_MAX = 10_000;
export const GROUP_NOT_FOUND_MESSAGE = 'User group not found';

/** How many offending IDs an error message spells out; `extensions.userIds` has them all. */
const NAMED_IN_MESSAGE = 10;

type GroupCommand =
  | CreateUserGroupCommand
  | UpdateUserGroupCommand
  | EditUserGroupMembersCommand
  | SetUserGroupAccessCommand
  | DeleteUserGroupCommand
  | SendGroupMessageCommand;

const authorizeGroups = (command: GroupCommand, state: AccountState): void =>
  authorize(state, command.metadata.actor, 'manageGroups', command.metadata.externalRoles);

/** The group `command` is about, once the actor may manage groups. */
function existingGroup(
  command: Exclude<GroupCommand, CreateUserGroupCommand>,
  state: AccountState,
): GroupState {
  authorizeGroups(command, state);
  const group = lookup(state.groups, command.data.groupId);
  if (group === undefined) throw notFound(GROUP_NOT_FOUND_MESSAGE);
  return group;
}

function listOf(ids: readonly string[]): string {
  const named = ids.slice(0, NAMED_IN_MESSAGE).join(', ');
  return ids.length > NAMED_IN_MESSAGE ? `${named} and ${ids.length - NAMED_IN_MESSAGE} more` : named;
}

/** BAD_USER_INPUT on `field`, naming the user IDs at fault (also as `extensions.userIds`). */
const badUserIds = (message: string, field: string | null, userIds: readonly string[]): DomainError =>
  new DomainError('BAD_USER_INPUT', `${message}: ${listOf(userIds)}`, {
    ...(field === null ? {} : { field }),
    userIds: [...userIds],
  });

/** The IDs without repeats, first occurrence first; bounded in number. */
function distinctIds(ids: readonly string[], field: string): string[] {
  if (ids.length > GROUP_MEMBERS_INPUT_MAX) {
    throw badInput(`At most ${GROUP_MEMBERS_INPUT_MAX} users can be given at once`, field);
  }
  return [...new Set(ids)];
}

/** Every ID must name a user of the account; otherwise BAD_USER_INPUT naming those that do not. */
function requireUsers(state: AccountState, userIds: readonly string[], field: string): void {
  const strangers = userIds.filter((userId) => lookup(state.users, userId) === undefined);
  if (strangers.length > 0) throw badUserIds('Not users of this Smart Account', field, strangers);
}

/**
 * A group's Virtual Account access: each Virtual Account of this account, at most once, with a
 * VIRTUAL_ACCOUNT_* role. Every failure is BAD_USER_INPUT on `field`.
 */
export function validateGroupAccess(
  input: readonly GroupAccessInput[],
  state: AccountState,
  field: string,
): GroupAccess[] {
  const seen = new Set<string>();
  return input.map(({ virtualAccountId, role }): GroupAccess => {
    if (!isVirtualAccountRole(role)) {
      throw badInput(
        `A group carries only VIRTUAL_ACCOUNT_ADMIN, VIRTUAL_ACCOUNT_USER or VIRTUAL_ACCOUNT_VIEWER, not ${role}`,
        field,
      );
    }
    if (lookup(state.virtualAccounts, virtualAccountId) === undefined) {
      throw badInput(`Virtual Account ${virtualAccountId} is not part of this Smart Account`, field);
    }
    if (seen.has(virtualAccountId)) {
      throw badInput(`Virtual Account ${virtualAccountId} is given more than once; give it one role`, field);
    }
    seen.add(virtualAccountId);
    return { virtualAccountId, role };
  });
}

/** The same access, in any order (each Virtual Account appears at most once in either). */
function sameAccess(a: readonly GroupAccess[], b: readonly GroupAccess[]): boolean {
  if (a.length !== b.length) return false;
  const roleOf = new Map(a.map(({ virtualAccountId, role }) => [virtualAccountId, role]));
  return b.every(({ virtualAccountId, role }) => roleOf.get(virtualAccountId) === role);
}

const copyAccess = (access: readonly GroupAccess[]): GroupAccess[] =>
  access.map(({ virtualAccountId, role }) => ({ virtualAccountId, role }));

/** CONFLICT when another group than `exceptGroupId` already has this name, in any case. */
function requireFreeName(state: AccountState, name: string, exceptGroupId: string | null): void {
  const holder = lookup(state.groupNames, groupNameKey(name));
  if (holder !== undefined && holder !== exceptGroupId) {
    throw conflict(`A user group named "${name}" already exists in this Smart Account`, {
      field: 'name',
      groupId: holder,
    });
  }
}

export function decideCreateUserGroup(command: CreateUserGroupCommand, state: AccountState): AccountEvent[] {
  authorizeGroups(command, state);
  const name = boundedText(command.data.name, 'name', 1, NAME_MAX);
  const description = optionalText(command.data.description, 'description', DESCRIPTION_MAX, 'multiline');
  const memberIds = distinctIds(command.data.memberUserIds, 'memberUserIds');
  requireUsers(state, memberIds, 'memberUserIds');
  forbidSupportSelfGrant(command.metadata.actor, memberIds);
  const access = validateGroupAccess(command.data.virtualAccountAccess, state, 'virtualAccountAccess');
  if (lookup(state.groups, command.data.groupId) !== undefined) {
    throw conflict('A user group with this ID already exists');
  }
  requireFreeName(state, name, null);
  return [
    {
      type: 'GroupCreated',
      data: {
        accountId: state.accountId,
        groupId: command.data.groupId,
        name,
        description,
        memberIds,
        access,
        createdAt: command.metadata.at,
      },
    },
  ];
}

export function decideUpdateUserGroup(command: UpdateUserGroupCommand, state: AccountState): AccountEvent[] {
  const group = existingGroup(command, state);
  const changes: { name?: string; description?: string | null } = {};
  if (command.data.name !== undefined && command.data.name !== null) {
    const name = boundedText(command.data.name, 'name', 1, NAME_MAX);
    if (name !== group.name) {
      // Only the case of its own name changing is a rename to a free name.
      requireFreeName(state, name, group.id);
      changes.name = name;
    }
  }
  if (command.data.description !== undefined) {
    const description = optionalText(command.data.description, 'description', DESCRIPTION_MAX, 'multiline');
    if (description !== group.description) changes.description = description;
  }
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'GroupUpdated', data: { accountId: state.accountId, groupId: group.id, ...changes } }];
}

export function decideEditUserGroupMembers(
  command: EditUserGroupMembersCommand,
  state: AccountState,
): AccountEvent[] {
  const group = existingGroup(command, state);
  const add = distinctIds(command.data.add, 'add');
  const remove = distinctIds(command.data.remove, 'remove');
  const removing = new Set(remove);
  const both = add.filter((userId) => removing.has(userId));
  if (both.length > 0) throw badUserIds('Both added and removed', null, both);
  requireUsers(state, add, 'add');
  forbidSupportSelfGrant(command.metadata.actor, add);
  const members = new Set(group.memberIds);
  const joining = add.filter((userId) => !members.has(userId));
  const leaving = remove.filter((userId) => members.has(userId));
  const events: AccountEvent[] = [];
  const { accountId } = state;
  if (joining.length > 0) {
    events.push({ type: 'GroupMembersAdded', data: { accountId, groupId: group.id, userIds: joining } });
  }
  if (leaving.length > 0) {
    events.push({ type: 'GroupMembersRemoved', data: { accountId, groupId: group.id, userIds: leaving } });
  }
  return events;
}

export function decideSetUserGroupAccess(
  command: SetUserGroupAccessCommand,
  state: AccountState,
): AccountEvent[] {
  const group = existingGroup(command, state);
  const access = validateGroupAccess(command.data.access, state, 'access');
  if (sameAccess(group.access, access)) return [];
  forbidSupportSelfGrant(command.metadata.actor, group.memberIds);
  return [
    {
      type: 'GroupAccessChanged',
      data: {
        accountId: state.accountId,
        groupId: group.id,
        access,
        previousAccess: copyAccess(group.access),
      },
    },
  ];
}

export function decideDeleteUserGroup(command: DeleteUserGroupCommand, state: AccountState): AccountEvent[] {
  const group = existingGroup(command, state);
  return [
    {
      type: 'GroupDeleted',
      data: {
        accountId: state.accountId,
        groupId: group.id,
        name: group.name,
        memberIds: [...group.memberIds],
        access: copyAccess(group.access),
      },
    },
  ];
}

/** One event naming every member as a recipient; a group without members records one with none. */
export function decideSendGroupMessage(
  command: SendGroupMessageCommand,
  state: AccountState,
): AccountEvent[] {
  const group = existingGroup(command, state);
  const subject = boundedText(command.data.subject, 'subject', 1, MESSAGE_SUBJECT_MAX);
  const body = boundedText(command.data.body, 'body', 1, MESSAGE_BODY_MAX, 'multiline');
  return [
    {
      type: 'GroupMessageSent',
      data: {
        accountId: state.accountId,
        groupId: group.id,
        messageId: command.data.messageId,
        subject,
        body,
        recipientIds: [...group.memberIds],
        sentAt: command.metadata.at,
        sentBy: command.metadata.actor.userId,
      },
    },
  ];
}
