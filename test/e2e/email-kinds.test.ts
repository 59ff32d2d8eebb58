import { messageIdFor } from '../../src/email/message-id';
import type { StoredEvent } from '../../src/eventstore/port';
import { startTestApp, type TestApp } from '../support/app-harness';
import { SmtpTestServer, type ReceivedMail } from '../support/smtp-test-server';
import { waitUntil } from '../support/temp';
import {
  GRANT,
  REMIND,
  REQUEST_GROUP_ACCESS,
  approve,
  createGroup,
  decline,
  requestAccessOk,
  settle,
} from './access-fixtures';
import {
  REMOVE_USER,
  accountRole,
  addUsersOk,
  createAccount,
  dataOf,
  signInAll,
  vaRole,
} from './accounts-fixtures';
import { SEND_MESSAGE } from './groups-fixtures';

const address = (userId: string) => `${userId}@example.com`;

describe('email through the API, delivered to a real SMTP server', () => {
  const smtp = new SmtpTestServer();
  let t: TestApp;
  beforeAll(async () => {
    await smtp.start();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Access <access@example.com>',
      ACCESS_REMINDER_INTERVAL_SECONDS: '0',
    });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  /** The one event of `type` in the log (the newest when there are several). */
  const eventOf = async (type: string, match: (event: StoredEvent) => boolean = () => true) => {
    const events = (await t.allEvents()).filter((event) => event.type === type && match(event));
    const event = events.at(-1);
    if (!event) throw new Error(`no ${type}`);
    return event;
  };
  /** Waits until `count` more messages arrived than before `action`, then a moment for any extra; returns them. */
  const mailDuring = async (count: number, action: () => Promise<unknown>): Promise<ReceivedMail[]> => {
    const before = smtp.received.length;
    await action();
    await waitUntil(() => smtp.received.length >= before + count, 10_000);
    await settle(300);
    return smtp.received.slice(before);
  };
  const summary = (mails: ReceivedMail[]) =>
    mails
      .map((mail) => ({ to: mail.recipients, subject: mail.subject }))
      .sort((a, b) => a.to[0].localeCompare(b.to[0]));

  test('every kind of email reaches exactly its recipients, with subject, text, escaped HTML and Message-ID', async () => {
    const tokens = await signInAll(t, ['alice', 'dave', 'bob', 'carol', 'erin', 'frank', 'gus']);
    const acme = await createAccount(t, tokens.alice, 'Acme <Corp>', 'mail-acme.example');

    // Added with notify (the default): the added user; without: nobody.
    const added = await mailDuring(1, async () => {
      await addUsersOk(t, tokens.alice, acme.id, ['dave'], [accountRole('SMART_ACCOUNT_ADMIN')]);
    });
    expect(summary(added)).toEqual([{ to: [address('dave')], subject: 'You were added to Acme <Corp>' }]);
    const userAdded = await eventOf('UserAdded', (e) => e.data.userId === 'dave');
    expect(added[0].messageId).toBe(messageIdFor(userAdded.eventId, 'dave'));
    expect(added[0].parsed.from?.value).toEqual([{ name: 'Access', address: 'access@example.com' }]);
    expect(added[0].text).toContain('alice added you to the Smart Account "Acme <Corp>"');
    expect(added[0].html).toContain('Acme &lt;Corp&gt;');
    const quiet = await mailDuring(0, () =>
      t.gql(tokens.alice, `mutation ($input: AddUsersInput!) { addUsers(input: $input) { addedCount } }`, {
        input: {
          accountId: acme.id,
          users: ['bob'],
          roles: [accountRole('SMART_ACCOUNT_VIEWER')],
          notify: false,
        },
      }),
    );
    expect(quiet).toEqual([]);

    // A request: every administrator (alice, dave), not the viewer bob; with lookup ID and escaped reason.
    const reason = 'Audit <script>x()</script> & "licenses"';
    let lookupId = '';
    let requestId = '';
    const requested = await mailDuring(2, async () => {
      const request = await requestAccessOk(t, tokens.carol, 'mail-acme.example', reason);
      lookupId = request.lookupId;
      requestId = request.id;
    });
    const subject = `Access request ${lookupId} for Acme <Corp>`;
    expect(summary(requested)).toEqual([
      { to: [address('alice')], subject },
      { to: [address('dave')], subject },
    ]);
    const accessRequested = await eventOf('AccessRequested');
    expect(new Set(requested.map((mail) => mail.messageId))).toEqual(
      new Set([
        messageIdFor(accessRequested.eventId, 'alice'),
        messageIdFor(accessRequested.eventId, 'dave'),
      ]),
    );
    for (const mail of requested) {
      expect(mail.text).toContain(`Lookup ID: ${lookupId}`);
      expect(mail.text).toContain(`> ${reason}`);
      expect(mail.html).toContain('Audit &lt;script&gt;x()&lt;/script&gt; &amp; &quot;licenses&quot;');
      expect(mail.html).not.toContain('<script>');
    }

    const reminded = await mailDuring(2, async () => {
      dataOf(await t.gql(tokens.carol, REMIND, { id: requestId }));
    });
    expect(summary(reminded).map((m) => m.to)).toEqual([[address('alice')], [address('dave')]]);
    expect(reminded[0].subject).toBe(`Reminder: access request ${lookupId} for Acme <Corp>`);

    // The decision: the requester only.
    const approved = await mailDuring(1, async () => {
      dataOf(
        await approve(
          t,
          tokens.dave,
          requestId,
          [vaRole('VIRTUAL_ACCOUNT_USER', acme.defaultVaId)],
          'Welcome <3',
        ),
      );
    });
    expect(summary(approved)).toEqual([
      { to: [address('carol')], subject: 'Your access request for Acme <Corp> was approved' },
    ]);
    expect(approved[0].text).toContain('Welcome <3');
    expect(approved[0].html).toContain('Welcome &lt;3');
    expect(approved[0].messageId).toBe(messageIdFor((await eventOf('AccessApproved')).eventId, 'carol'));

    const declined = await mailDuring(3, async () => {
      const request = await requestAccessOk(t, tokens.erin, 'mail-acme.example');
      dataOf(await decline(t, tokens.alice, request.id, 'Not now'));
    });
    expect(summary(declined.filter((mail) => mail.subject?.includes('declined')))).toEqual([
      { to: [address('erin')], subject: 'Your access request for Acme <Corp> was declined' },
    ]);

    // Removal with notify: the removed user.
    const removed = await mailDuring(1, async () => {
      dataOf(
        await t.gql(tokens.alice, REMOVE_USER, {
          input: { accountId: acme.id, userId: 'bob', notify: true },
        }),
      );
    });
    expect(summary(removed)).toEqual([
      { to: [address('bob')], subject: 'You were removed from Acme <Corp>' },
    ]);

    // A group message: each member, one Message-ID each.
    const groupId = await createGroup(t, tokens.alice, {
      accountId: acme.id,
      name: 'Ops',
      memberUserIds: ['dave', 'carol'],
    });
    const groupMail = await mailDuring(2, async () => {
      dataOf(
        await t.gql(tokens.alice, SEND_MESSAGE, {
          input: {
            accountId: acme.id,
            groupId,
            subject: 'Maintenance <tonight>',
            body: 'Line one\n<b>bold?</b>',
          },
        }),
      );
    });
    expect(summary(groupMail)).toEqual([
      { to: [address('carol')], subject: '[Ops] Maintenance <tonight>' },
      { to: [address('dave')], subject: '[Ops] Maintenance <tonight>' },
    ]);
    const sent = await eventOf('GroupMessageSent');
    expect(new Set(groupMail.map((mail) => mail.messageId))).toEqual(
      new Set([messageIdFor(sent.eventId, 'carol'), messageIdFor(sent.eventId, 'dave')]),
    );
    expect(groupMail[0].text).toContain('> Line one\n> <b>bold?</b>');
    expect(groupMail[0].html).toContain('Line one<br>\n&lt;b&gt;bold?&lt;/b&gt;');

    // A group of another account asks for access: Acme's administrators get its lookup ID; the grant goes to the requester.
    const globex = await createAccount(t, tokens.frank, 'Globex', 'mail-globex.example');
    const auditors = await createGroup(t, tokens.frank, {
      accountId: globex.id,
      name: 'Auditors',
      memberUserIds: [],
    });
    let groupLookupId = '';
    const groupRequested = await mailDuring(2, async () => {
      const { requestGroupAccess } = dataOf(
        await t.gql<{ requestGroupAccess: { lookupId: string } }>(tokens.frank, REQUEST_GROUP_ACCESS, {
          input: {
            accountId: globex.id,
            groupId: auditors,
            domainIdentifier: 'mail-acme.example',
            reason: 'Audit',
          },
        }),
      );
      groupLookupId = requestGroupAccess.lookupId;
    });
    expect(summary(groupRequested).map((m) => m.to)).toEqual([[address('alice')], [address('dave')]]);
    expect(groupRequested[0].text).toContain(`Lookup ID: ${groupLookupId}`);
    expect(groupRequested[0].text).toContain('for the group "Auditors" of "Globex"');
    const granted = await mailDuring(1, async () => {
      dataOf(
        await t.gql(tokens.alice, GRANT, {
          input: {
            accountId: acme.id,
            lookupId: groupLookupId,
            access: [{ virtualAccountId: acme.defaultVaId, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
          },
        }),
      );
    });
    expect(summary(granted)).toEqual([
      { to: [address('frank')], subject: 'Auditors was granted access to Acme <Corp>' },
    ]);

    // Every message is counted as sent in /metrics; gus, who took part in nothing, got nothing.
    expect(smtp.to(address('gus'))).toEqual([]);
    const metrics = await (await fetch(new URL('/metrics', t.url))).text();
    expect(metrics).toContain(`email_messages_sent_total ${smtp.received.length}`);
    expect(metrics).toContain('email_outbox_messages{state="pending"} 0');
  });
});
