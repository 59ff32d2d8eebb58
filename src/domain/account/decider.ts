import type { Decider } from '../decider';
import { conflict } from '../errors';
import {
  decideApproveAccessRequest,
  decideCancelAccessRequest,
  decideDeclineAccessRequest,
  decideRequestAccess,
  decideRequestGroupAccess,
  decideSendAccessReminder,
} from './access-requests';
import { DESCRIPTION_MAX, NAME_MAX, boundedText, optionalText } from '../validation';
import { decideAddUsers } from './add-users';
import type { AccountCommand, CreateSmartAccountCommand, CreateVirtualAccountCommand } from './commands';
import { validateDomainIdentifier } from './domain-identifier';
import type { AccountEvent } from './events';
import {
  decideGrantExternalGroupAccess,
  decideRevokeDeletedGroupGrant,
  decideRevokeExternalGroupAccess,
} from './external-groups';
import {
  decideCreateUserGroup,
  decideDeleteUserGroup,
  decideEditUserGroupMembers,
  decideSendGroupMessage,
  decideSetUserGroupAccess,
  decideUpdateUserGroup,
} from './manage-groups';
import { decideRemoveUser, decideSetUserRoles } from './manage-users';
import { authorize } from './permissions';
import { evolveAccount, initialAccountState, type AccountState } from './state';

export const DEFAULT_VIRTUAL_ACCOUNT_NAME = 'Default';

export const accountStreamId = (accountId: string): string => `account-${accountId}`;

function decideCreateSmartAccount(command: CreateSmartAccountCommand, state: AccountState): AccountEvent[] {
  const name = boundedText(command.data.name, 'name', 1, NAME_MAX);
  const domainIdentifier = validateDomainIdentifier(command.data.domainIdentifier);
  if (state.exists) throw conflict('This Smart Account already exists');
  const { accountId, defaultVirtualAccountId } = command.data;
  const { actor, at } = command.metadata;
  return [
    {
      type: 'SmartAccountCreated',
      data: { accountId, name, domainIdentifier, createdAt: at, createdBy: actor.userId },
    },
    {
      type: 'VirtualAccountCreated',
      data: {
        accountId,
        virtualAccountId: defaultVirtualAccountId,
        name: DEFAULT_VIRTUAL_ACCOUNT_NAME,
        description: null,
        isDefault: true,
        createdAt: at,
      },
    },
    {
      type: 'UserAdded',
      data: {
        accountId,
        userId: actor.userId,
        roles: [{ role: 'SMART_ACCOUNT_ADMIN', virtualAccountId: null }],
        notify: false,
        addedAt: at,
        addedBy: actor.userId,
      },
    },
  ];
}

function decideCreateVirtualAccount(
  command: CreateVirtualAccountCommand,
  state: AccountState,
): AccountEvent[] {
  authorize(state, command.metadata.actor, 'createVirtualAccount', command.metadata.externalRoles);
  const name = boundedText(command.data.name, 'name', 1, NAME_MAX);
  const description = optionalText(command.data.description, 'description', DESCRIPTION_MAX, 'multiline');
  const nameKey = name.toLowerCase();
  if (Object.values(state.virtualAccounts).some((va) => va.name.toLowerCase() === nameKey)) {
    throw conflict(`A Virtual Account named "${name}" already exists in this Smart Account`);
  }
  if (Object.hasOwn(state.virtualAccounts, command.data.virtualAccountId)) {
    throw conflict('A Virtual Account with this ID already exists');
  }
  return [
    {
      type: 'VirtualAccountCreated',
      data: {
        accountId: state.accountId,
        virtualAccountId: command.data.virtualAccountId,
        name,
        description,
        isDefault: false,
        createdAt: command.metadata.at,
      },
    },
  ];
}

function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'CreateSmartAccount':
      return decideCreateSmartAccount(command, state);
    case 'CreateVirtualAccount':
      return decideCreateVirtualAccount(command, state);
    case 'AddUsers':
      return decideAddUsers(command, state);
    case 'SetUserRoles':
      return decideSetUserRoles(command, state);
    case 'RemoveUser':
      return decideRemoveUser(command, state);
    case 'CreateUserGroup':
      return decideCreateUserGroup(command, state);
    case 'UpdateUserGroup':
      return decideUpdateUserGroup(command, state);
    case 'EditUserGroupMembers':
      return decideEditUserGroupMembers(command, state);
    case 'SetUserGroupAccess':
      return decideSetUserGroupAccess(command, state);
    case 'DeleteUserGroup':
      return decideDeleteUserGroup(command, state);
    case 'SendGroupMessage':
      return decideSendGroupMessage(command, state);
    case 'RequestAccess':
      return decideRequestAccess(command, state);
    case 'RequestGroupAccess':
      return decideRequestGroupAccess(command, state);
    case 'SendAccessReminder':
      return decideSendAccessReminder(command, state);
    case 'CancelAccessRequest':
      return decideCancelAccessRequest(command, state);
    case 'ApproveAccessRequest':
      return decideApproveAccessRequest(command, state);
    case 'DeclineAccessRequest':
      return decideDeclineAccessRequest(command, state);
    case 'GrantExternalGroupAccess':
      return decideGrantExternalGroupAccess(command, state);
    case 'RevokeExternalGroupAccess':
      return decideRevokeExternalGroupAccess(command, state);
    case 'RevokeDeletedGroupGrant':
      return decideRevokeDeletedGroupGrant(command, state);
  }
}

/** One stream per Smart Account (`accountStreamId`). */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  name: 'smart-account',
  initialState: initialAccountState,
  decide,
  evolve: evolveAccount,
};
