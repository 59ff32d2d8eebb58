import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { emlFolder } from '../../src/email/email-delivery';
import { messageIdFor } from '../../src/email/message-id';
import { startTestApp, type TestApp } from '../support/app-harness';
import { SmtpTestServer } from '../support/smtp-test-server';
import { waitUntil } from '../support/temp';
import { accountRole, addUsersOk, createAccount, signInAll } from './accounts-fixtures';

const metric = async (t: TestApp, name: string): Promise<number> => {
  const text = await (await fetch(new URL('/metrics', t.url))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.split(' ')[1]);
};

describe('email while the SMTP server is down', () => {
  const smtp = new SmtpTestServer();
  let t: TestApp;
  beforeAll(async () => {
    await smtp.start();
    t = await startTestApp({ SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  test('messages wait while it is down, then all arrive once, each with its Message-ID', async () => {
    const people = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const tokens = await signInAll(t, ['owner', ...people]);
    const account = await createAccount(t, tokens.owner, 'Outage', 'mail-outage.example');
    await smtp.stop();

    await addUsersOk(t, tokens.owner, account.id, people, [accountRole('SMART_ACCOUNT_VIEWER')]);
    await waitUntil(async () => (await metric(t, 'email_messages_retried_total')) >= 1, 10_000);
    expect(smtp.received).toEqual([]);
    expect(await metric(t, 'email_outbox_messages{state="pending"}')).toBe(people.length);

    await smtp.start();
    await waitUntil(async () => (await metric(t, 'email_messages_sent_total')) === people.length, 60_000);
    const added = (await t.allEvents()).filter((event) => event.type === 'UserAdded' && event.data.notify);
    expect(smtp.received.map((mail) => mail.messageId).sort()).toEqual(
      added.map((event) => messageIdFor(event.eventId, String(event.data.userId))).sort(),
    );
    expect(await metric(t, 'email_outbox_messages{state="pending"}')).toBe(0);
  });
});

describe('email without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  test('each message becomes one .eml file under DATA_DIR/outbox/', async () => {
    const tokens = await signInAll(t, ['olga', 'pia']);
    const account = await createAccount(t, tokens.olga, 'Files', 'mail-files.example');
    await addUsersOk(t, tokens.olga, account.id, ['pia'], [accountRole('SMART_ACCOUNT_VIEWER')]);

    const folder = emlFolder(t.config.dataDir);
    await waitUntil(() => readdirSync(folder).some((name) => name.endsWith('.eml')), 10_000);
    const files = readdirSync(folder);
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(path.join(folder, files[0])));
    const added = (await t.allEvents()).find(
      (event) => event.type === 'UserAdded' && event.data.userId === 'pia',
    );
    expect(mail.messageId).toBe(messageIdFor(added?.eventId ?? '', 'pia'));
    expect(mail.to).toMatchObject({ value: [{ address: 'pia@example.com' }] });
    expect(mail.subject).toBe('You were added to Files');
    expect(mail.from?.value).toEqual([{ name: 'Smart Account access', address: 'no-reply@localhost' }]);
  });
});
