import type {
  AccessRequested,
  AccountEvent,
  GroupCreated,
  SmartAccountCreated,
} from '../domain/account/events';
import { holdsAccountAdmin } from '../domain/account/roles';
import type { ProfileEvent } from '../domain/profile/events';
import type { StoredEvent } from '../eventstore/port';

export interface PersonView {
  email: string;
  name: string;
}

export interface PendingRequestView {
  lookupId: string;
  reason: string;
  kind: AccessRequested['data']['kind'];
  requesterId: string;
  requestingAccountName: string | null;
  requestingGroupName: string | null;
}

export interface AccountView {
  name: SmartAccountCreated['data']['name'];
  /** The users holding SMART_ACCOUNT_ADMIN, in the order they got it. */
  admins: Set<string>;
  groupNames: Map<GroupCreated['data']['groupId'], string>;
  virtualAccountNames: Map<string, string>;
  /** Open requests, for their reminders. */
  pendingRequests: Map<string, PendingRequestView>;
}

/** What the email reactor remembers of the log: just enough to address and word its messages. */
export interface EmailReactorState {
  people: Map<string, PersonView>;
  accounts: Map<string, AccountView>;
}

export const initialEmailReactorState = (): EmailReactorState => ({
  people: new Map(),
  accounts: new Map(),
});

type KnownEvent = AccountEvent | ProfileEvent;

export const asKnownEvent = (stored: StoredEvent): KnownEvent =>
  ({ type: stored.type, data: stored.data }) as KnownEvent;

/** Folds one event into the state (in place). */
export function evolveEmailReactorState(state: EmailReactorState, stored: StoredEvent): void {
  const event = asKnownEvent(stored);
  switch (event.type) {
    case 'ProfileRegistered':
      state.people.set(event.data.userId, { email: event.data.email, name: event.data.name });
      return;
    case 'ProfileUpdated': {
      const person = state.people.get(event.data.userId);
      const { email, name } = event.data.changes;
      if (person && email !== undefined) person.email = email;
      if (person && name !== undefined) person.name = name;
      return;
    }
    case 'SmartAccountCreated':
      state.accounts.set(event.data.accountId, {
        name: event.data.name,
        admins: new Set(),
        groupNames: new Map(),
        virtualAccountNames: new Map(),
        pendingRequests: new Map(),
      });
      return;
    default:
      evolveAccount(state.accounts.get(event.data.accountId), event);
  }
}

function evolveAccount(account: AccountView | undefined, event: AccountEvent): void {
  if (!account) return;
  switch (event.type) {
    case 'UserAdded':
    case 'UserRolesChanged':
      if (holdsAccountAdmin(event.data.roles)) account.admins.add(event.data.userId);
      else account.admins.delete(event.data.userId);
      return;
    case 'UserRemoved':
      account.admins.delete(event.data.userId);
      return;
    case 'VirtualAccountCreated':
      account.virtualAccountNames.set(event.data.virtualAccountId, event.data.name);
      return;
    case 'GroupCreated':
      account.groupNames.set(event.data.groupId, event.data.name);
      return;
    case 'GroupUpdated':
      if (event.data.name !== undefined) account.groupNames.set(event.data.groupId, event.data.name);
      return;
    case 'GroupDeleted':
      account.groupNames.delete(event.data.groupId);
      return;
    case 'AccessRequested': {
      const { requestId, lookupId, reason, kind, requesterId } = event.data;
      const { requestingAccountName, requestingGroupName } = event.data;
      account.pendingRequests.set(requestId, {
        lookupId,
        reason,
        kind,
        requesterId,
        requestingAccountName,
        requestingGroupName,
      });
      return;
    }
    case 'AccessApproved':
    case 'AccessDeclined':
    case 'AccessRequestCancelled':
    case 'ExternalGroupAccessGranted':
      account.pendingRequests.delete(event.data.requestId);
      return;
    default:
      return;
  }
}
