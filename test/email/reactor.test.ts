import type { AccountEvent } from '../../src/domain/account/events';
import type { RoleAssignment } from '../../src/domain/account/roles';
import type { ProfileEvent } from '../../src/domain/profile/events';
import type { StoredEvent } from '../../src/eventstore/port';
import { sqlitePosition } from '../../src/eventstore/position';
import type { EmailMessage } from '../../src/email/email-message';
import { messageIdFor } from '../../src/email/message-id';
import { reactTo } from '../../src/email/reactor';
import { initialEmailReactorState } from '../../src/email/reactor-state';

/** given(events) → when(event) → then(messages), for the email reactor. */
let nextPosition = 1;
function stored(event: AccountEvent | ProfileEvent): StoredEvent {
  const position = nextPosition++;
  return {
    eventId: `event-${position}`,
    type: event.type,
    data: event.data,
    occurredAt: '2026-01-02T03:04:05.000Z',
    metadata: { actorId: null, correlationId: null, causationId: null, supportCaseId: null },
    streamId: 'account-acme',
    revision: position,
    position: sqlitePosition(position),
  };
}

function given(...history: Array<AccountEvent | ProfileEvent>) {
  const state = initialEmailReactorState();
  for (const event of history) reactTo(state, stored(event));
  return {
    when(event: AccountEvent | ProfileEvent): { event: StoredEvent; messages: EmailMessage[] } {
      const whenEvent = stored(event);
      return { event: whenEvent, messages: reactTo(state, whenEvent) };
    },
  };
}

const profile = (userId: string, name: string): ProfileEvent => ({
  type: 'ProfileRegistered',
  data: { userId, email: `${userId}@example.com`, name, company: null, registeredAt: '2026-01-01T00:00:00Z' },
});
const ADMIN: RoleAssignment[] = [{ role: 'SMART_ACCOUNT_ADMIN', virtualAccountId: null }];
const VIEWER: RoleAssignment[] = [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null }];
const userAdded = (userId: string, roles = VIEWER, notify = false): AccountEvent => ({
  type: 'UserAdded',
  data: { accountId: 'acme', userId, roles, notify, addedAt: '2026-01-01T00:00:00Z', addedBy: 'alice' },
});
const world: Array<AccountEvent | ProfileEvent> = [
  profile('alice', 'Alice Admin'),
  profile('dave', 'Dave Deputy'),
  profile('bob', 'Bob <b>Builder</b>'),
  profile('carol', 'Carol Requester'),
  {
    type: 'SmartAccountCreated',
    data: {
      accountId: 'acme',
      name: 'Acme & Sons',
      domainIdentifier: 'acme.example',
      createdAt: '2026-01-01T00:00:00Z',
      createdBy: 'alice',
    },
  },
  {
    type: 'VirtualAccountCreated',
    data: {
      accountId: 'acme',
      virtualAccountId: 'va-1',
      name: 'Default',
      description: null,
      isDefault: true,
      createdAt: '2026-01-01T00:00:00Z',
    },
  },
  userAdded('alice', ADMIN),
  userAdded('dave', ADMIN),
];
const requested: AccountEvent = {
  type: 'AccessRequested',
  data: {
    accountId: 'acme',
    requestId: 'r-1',
    lookupId: '7KQ2M-X9D4P',
    kind: 'USER',
    requesterId: 'carol',
    reason: 'Need <script>alert(1)</script> & more\nsecond line',
    requestingAccountId: null,
    requestingAccountName: null,
    requestingGroupId: null,
    requestingGroupName: null,
    createdAt: '2026-01-02T00:00:00Z',
    nextReminderAllowedAt: '2026-01-03T00:00:00Z',
  },
};

const recipients = (messages: EmailMessage[]) => messages.map((m) => m.to.address);

describe('the email reactor', () => {
  test('UserAdded with notify: one message to that user, with a Message-ID from the event and the user', () => {
    const { event, messages } = given(...world).when(userAdded('bob', VIEWER, true));
    expect(messages).toEqual([
      expect.objectContaining({
        kind: 'USER_ADDED',
        to: { userId: 'bob', name: 'Bob <b>Builder</b>', address: 'bob@example.com' },
        subject: 'You were added to Acme & Sons',
        messageId: messageIdFor(event.eventId, 'bob'),
        date: event.occurredAt,
      }),
    ]);
    expect(messages[0].text).toContain('Alice Admin added you to the Smart Account "Acme & Sons"');
    expect(messages[0].html).toContain('Hello Bob &lt;b&gt;Builder&lt;/b&gt;,');
    expect(messages[0].html).not.toContain('<b>Builder');
  });

  test('UserAdded and UserRemoved without notify: nothing', () => {
    expect(given(...world).when(userAdded('bob')).messages).toEqual([]);
    const removed: AccountEvent = {
      type: 'UserRemoved',
      data: { accountId: 'acme', userId: 'dave', previousRoles: ADMIN, removedFromGroups: [], notify: false },
    };
    expect(given(...world).when(removed).messages).toEqual([]);
  });

  test('UserRemoved with notify: to that user', () => {
    const removed: AccountEvent = {
      type: 'UserRemoved',
      data: { accountId: 'acme', userId: 'bob', previousRoles: VIEWER, removedFromGroups: [], notify: true },
    };
    const { messages } = given(...world, userAdded('bob')).when(removed);
    expect(messages.map((m) => [m.kind, m.to.address, m.subject])).toEqual([
      ['USER_REMOVED', 'bob@example.com', 'You were removed from Acme & Sons'],
    ]);
  });

  test('AccessRequested: every administrator of that moment, with the lookup ID and the escaped reason', () => {
    const demoted: AccountEvent = {
      type: 'UserRolesChanged',
      data: { accountId: 'acme', userId: 'dave', roles: VIEWER, previousRoles: ADMIN },
    };
    const { event, messages } = given(...world, userAdded('bob', ADMIN), demoted).when(requested);
    expect(recipients(messages)).toEqual(['alice@example.com', 'bob@example.com']);
    expect(messages.map((m) => m.messageId)).toEqual([
      messageIdFor(event.eventId, 'alice'),
      messageIdFor(event.eventId, 'bob'),
    ]);
    const [toAlice] = messages;
    expect(toAlice.subject).toBe('Access request 7KQ2M-X9D4P for Acme & Sons');
    expect(toAlice.text).toContain('Lookup ID: 7KQ2M-X9D4P');
    expect(toAlice.text).toContain('> Need <script>alert(1)</script> & more\n> second line');
    expect(toAlice.text).toContain('Carol Requester (carol@example.com)');
    expect(toAlice.html).toContain('Need &lt;script&gt;alert(1)&lt;/script&gt; &amp; more<br>\nsecond line');
    expect(toAlice.html).not.toContain('<script>');
  });

  test('AccessReminderSent: the administrators, with the request’s lookup ID', () => {
    const reminder: AccountEvent = {
      type: 'AccessReminderSent',
      data: {
        accountId: 'acme',
        requestId: 'r-1',
        requesterId: 'carol',
        sentAt: '2026-01-03T00:00:00Z',
        remindersSent: 1,
        nextReminderAllowedAt: '2026-01-04T00:00:00Z',
      },
    };
    const { messages } = given(...world, requested).when(reminder);
    expect(recipients(messages)).toEqual(['alice@example.com', 'dave@example.com']);
    expect(messages[0].subject).toBe('Reminder: access request 7KQ2M-X9D4P for Acme & Sons');
  });

  test('AccessApproved and AccessDeclined: the requester, with the decision’s message', () => {
    const decision = { accountId: 'acme', requestId: 'r-1', requesterId: 'carol', kind: 'USER' as const };
    const approved = given(...world, requested).when({
      type: 'AccessApproved',
      data: {
        ...decision,
        roles: [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: 'va-1' }],
        message: 'Welcome <aboard>',
        decidedBy: 'dave',
        decidedAt: '2026-01-03T00:00:00Z',
      },
    }).messages;
    expect(approved.map((m) => [m.kind, m.to.address, m.subject])).toEqual([
      ['ACCESS_APPROVED', 'carol@example.com', 'Your access request for Acme & Sons was approved'],
    ]);
    expect(approved[0].text).toContain('Your roles: VIRTUAL_ACCOUNT_USER on "Default".');
    expect(approved[0].html).toContain('Welcome &lt;aboard&gt;');

    const declined = given(...world, requested).when({
      type: 'AccessDeclined',
      data: { ...decision, message: null, decidedBy: 'dave', decidedAt: '2026-01-03T00:00:00Z' },
    }).messages;
    expect(declined.map((m) => [m.kind, m.to.address, m.subject])).toEqual([
      ['ACCESS_DECLINED', 'carol@example.com', 'Your access request for Acme & Sons was declined'],
    ]);
  });

  test('ExternalGroupAccessGranted: the requester', () => {
    const { messages } = given(...world).when({
      type: 'ExternalGroupAccessGranted',
      data: {
        accountId: 'acme',
        requestId: 'r-2',
        lookupId: 'AAAAA-BBBBB',
        requesterId: 'carol',
        groupId: 'g-9',
        groupName: 'Auditors',
        fromAccountId: 'globex',
        fromAccountName: 'Globex',
        access: [{ virtualAccountId: 'va-1', role: 'VIRTUAL_ACCOUNT_VIEWER' }],
        message: null,
        grantedAt: '2026-01-03T00:00:00Z',
        grantedBy: 'alice',
      },
    });
    expect(messages.map((m) => [m.kind, m.to.address, m.subject])).toEqual([
      ['EXTERNAL_GROUP_ACCESS_GRANTED', 'carol@example.com', 'Auditors was granted access to Acme & Sons'],
    ]);
    expect(messages[0].text).toContain('VIRTUAL_ACCOUNT_VIEWER on "Default"');
  });

  test('GroupMessageSent: each recipient named in the event, one Message-ID each', () => {
    const created: AccountEvent = {
      type: 'GroupCreated',
      data: {
        accountId: 'acme',
        groupId: 'g-1',
        name: 'Ops',
        description: null,
        memberIds: ['bob', 'carol'],
        access: [],
        createdAt: '2026-01-02T00:00:00Z',
      },
    };
    const { event, messages } = given(...world, created).when({
      type: 'GroupMessageSent',
      data: {
        accountId: 'acme',
        groupId: 'g-1',
        messageId: 'm-1',
        subject: 'Maintenance',
        body: '<i>Tonight</i>',
        recipientIds: ['bob', 'carol'],
        sentAt: '2026-01-02T00:00:00Z',
        sentBy: 'alice',
      },
    });
    expect(recipients(messages)).toEqual(['bob@example.com', 'carol@example.com']);
    expect(messages.map((m) => m.subject)).toEqual(['[Ops] Maintenance', '[Ops] Maintenance']);
    expect(new Set(messages.map((m) => m.messageId))).toEqual(
      new Set([messageIdFor(event.eventId, 'bob'), messageIdFor(event.eventId, 'carol')]),
    );
    expect(messages[0].html).toContain('&lt;i&gt;Tonight&lt;/i&gt;');
  });

  test('a profile’s new email address is used from its change on', () => {
    const changed: ProfileEvent = {
      type: 'ProfileUpdated',
      data: { userId: 'bob', source: 'user', changes: { email: 'robert@example.org' } },
    };
    const { messages } = given(...world, changed).when(userAdded('bob', VIEWER, true));
    expect(recipients(messages)).toEqual(['robert@example.org']);
  });
});
