import { conflict, notFound } from '../errors';
import type { RemoveUserCommand, SetUserRolesCommand } from './commands';
import type { AccountEvent } from './events';
import {
  authorize,
  forbidSupportSelfGrant,
  mayManageAssignments,
  outsideVirtualAccountScope,
} from './permissions';
import { holdsAccountAdmin, sameAssignmentSet, validateAssignments, type RoleAssignment } from './roles';
import { groupIdsOf, lookup, type AccountState, type AccountUserState } from './state';

export const LAST_ADMIN_MESSAGE = 'A Smart Account must keep at least one SMART_ACCOUNT_ADMIN';

const copyRoles = (roles: readonly RoleAssignment[]): RoleAssignment[] => roles.map((role) => ({ ...role }));

/** The user `command` is about, once the actor may manage users and this user's current roles. */
function managedUser(
  command: SetUserRolesCommand | RemoveUserCommand,
  state: AccountState,
): AccountUserState {
  const { actor, externalRoles: extra = [] } = command.metadata;
  authorize(state, actor, 'manageUsers', extra);
  const user = lookup(state.users, command.data.userId);
  if (user === undefined) throw notFound('No such user in this Smart Account');
  if (!mayManageAssignments(state, actor, user.roles, extra)) throw outsideVirtualAccountScope();
  return user;
}

const isLastAdmin = (state: AccountState, user: AccountUserState) =>
  holdsAccountAdmin(user.roles) && state.adminCount <= 1;

export function decideSetUserRoles(command: SetUserRolesCommand, state: AccountState): AccountEvent[] {
  const user = managedUser(command, state);
  forbidSupportSelfGrant(command.metadata.actor, [user.userId]);
  const roles = validateAssignments(command.data.roles, state);
  if (!mayManageAssignments(state, command.metadata.actor, roles, command.metadata.externalRoles)) {
    throw outsideVirtualAccountScope();
  }
  if (sameAssignmentSet(user.roles, roles)) return [];
  if (isLastAdmin(state, user) && !holdsAccountAdmin(roles)) throw conflict(LAST_ADMIN_MESSAGE);
  return [
    {
      type: 'UserRolesChanged',
      data: { accountId: state.accountId, userId: user.userId, roles, previousRoles: copyRoles(user.roles) },
    },
  ];
}

export function decideRemoveUser(command: RemoveUserCommand, state: AccountState): AccountEvent[] {
  const user = managedUser(command, state);
  if (isLastAdmin(state, user)) throw conflict(LAST_ADMIN_MESSAGE);
  return [
    {
      type: 'UserRemoved',
      data: {
        accountId: state.accountId,
        userId: user.userId,
        previousRoles: copyRoles(user.roles),
        removedFromGroups: groupIdsOf(state, user.userId),
        notify: command.data.notify,
      },
    },
  ];
}
