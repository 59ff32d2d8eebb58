import type { AccountEvent } from '../domain/account/events';
import type { RoleAssignment } from '../domain/account/roles';
import type { StoredEvent } from '../eventstore/port';
import type { EmailKind, EmailMessage } from './email-message';
import { messageIdFor } from './message-id';
import {
  asKnownEvent,
  evolveEmailReactorState,
  type AccountView,
  type EmailReactorState,
  type PendingRequestView,
} from './reactor-state';
import { renderEmail, type EmailContent } from './render';
import {
  accessDecisionEmail,
  accessReminderEmail,
  accessRequestedEmail,
  externalGroupAccessGrantedEmail,
  groupMessageEmail,
  userAddedEmail,
  userRemovedEmail,
  type Greeting,
  type RequestFacts,
} from './templates';

/**
 * The email reactor: events in, messages out. Pure — the same log always gives the same
 * messages with the same Message-IDs. `reactTo` answers the messages an event causes
 * (worded with the state before it) and folds the event into the state.
 */
export function reactTo(state: EmailReactorState, stored: StoredEvent): EmailMessage[] {
  const messages = emailsFor(state, stored);
  evolveEmailReactorState(state, stored);
  return messages;
}

type Compose = (greeting: Greeting) => EmailContent;

/** The messages `stored` causes, worded with the state before it. */
export function emailsFor(state: EmailReactorState, stored: StoredEvent): EmailMessage[] {
  const event = asKnownEvent(stored) as AccountEvent;
  if (!('accountId' in event.data)) return [];
  const account = state.accounts.get(event.data.accountId);
  if (!account) return [];
  const nameOf = (userId: string): string => state.people.get(userId)?.name ?? userId;
  const to = (kind: EmailKind, recipients: readonly string[], compose: Compose): EmailMessage[] =>
    recipients.flatMap((userId) => {
      const person = state.people.get(userId);
      if (!person) return [];
      const { subject, text, html } = renderEmail(compose({ recipientName: person.name }));
      return [
        {
          messageId: messageIdFor(stored.eventId, userId),
          eventId: stored.eventId,
          kind,
          to: { userId, name: person.name, address: person.email },
          subject,
          text,
          html,
          date: stored.occurredAt,
        },
      ];
    });
  const roles = (assignments: readonly RoleAssignment[]) => roleNames(account, assignments);
  const requestFacts = (request: PendingRequestView): RequestFacts => ({
    accountName: account.name,
    lookupId: request.lookupId,
    requesterName: nameOf(request.requesterId),
    requesterEmail: state.people.get(request.requesterId)?.email ?? '',
    reason: request.reason,
    group:
      request.kind === 'GROUP'
        ? { name: request.requestingGroupName ?? '', accountName: request.requestingAccountName ?? '' }
        : null,
  });

  switch (event.type) {
    case 'UserAdded': {
      const d = event.data;
      if (!d.notify) return [];
      return to('USER_ADDED', [d.userId], (g) =>
        userAddedEmail({
          ...g,
          accountName: account.name,
          addedByName: nameOf(d.addedBy),
          roles: roles(d.roles),
        }),
      );
    }
    case 'UserRemoved': {
      const d = event.data;
      if (!d.notify) return [];
      return to('USER_REMOVED', [d.userId], (g) => userRemovedEmail({ ...g, accountName: account.name }));
    }
    case 'AccessRequested': {
      const d = event.data;
      const facts = requestFacts({ ...d });
      return to('ACCESS_REQUESTED', [...account.admins], (g) => accessRequestedEmail({ ...g, ...facts }));
    }
    case 'AccessReminderSent': {
      const d = event.data;
      const request = account.pendingRequests.get(d.requestId);
      if (!request) return [];
      const facts = requestFacts(request);
      return to('ACCESS_REMINDER', [...account.admins], (g) =>
        accessReminderEmail({ ...g, ...facts, remindersSent: d.remindersSent }),
      );
    }
    case 'AccessApproved':
    case 'AccessDeclined': {
      const d = event.data;
      const approved = event.type === 'AccessApproved';
      return to(approved ? 'ACCESS_APPROVED' : 'ACCESS_DECLINED', [d.requesterId], (g) =>
        accessDecisionEmail({
          ...g,
          decision: approved ? 'approved' : 'declined',
          accountName: account.name,
          decidedByName: nameOf(d.decidedBy),
          roles: approved ? roles(event.data.roles) : [],
          message: d.message,
        }),
      );
    }
    case 'ExternalGroupAccessGranted': {
      const d = event.data;
      return to('EXTERNAL_GROUP_ACCESS_GRANTED', [d.requesterId], (g) =>
        externalGroupAccessGrantedEmail({
          ...g,
          accountName: account.name,
          groupName: d.groupName,
          fromAccountName: d.fromAccountName,
          grantedByName: nameOf(d.grantedBy),
          access: d.access.map((a) => `${a.role} on ${vaName(account, a.virtualAccountId)}`),
          message: d.message,
        }),
      );
    }
    case 'GroupMessageSent': {
      const d = event.data;
      const groupName = account.groupNames.get(d.groupId) ?? d.groupId;
      return to('GROUP_MESSAGE', d.recipientIds, (g) =>
        groupMessageEmail({
          ...g,
          accountName: account.name,
          groupName,
          senderName: nameOf(d.sentBy),
          subject: d.subject,
          body: d.body,
        }),
      );
    }
    default:
      return [];
  }
}

const vaName = (account: AccountView, virtualAccountId: string): string =>
  `"${account.virtualAccountNames.get(virtualAccountId) ?? virtualAccountId}"`;

const roleNames = (account: AccountView, assignments: readonly RoleAssignment[]): string[] =>
  assignments.map(({ role, virtualAccountId }) =>
    virtualAccountId === null ? role : `${role} on ${vaName(account, virtualAccountId)}`,
  );
