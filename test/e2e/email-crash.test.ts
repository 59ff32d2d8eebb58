import { messageIdFor } from '../../src/email/message-id';
import { issueToken } from '../../src/auth/issue';
import { TEST_SECRET } from '../support/app-harness';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { SmtpTestServer, type ReceivedMail } from '../support/smtp-test-server';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { sqliteFile } from '../../src/app/event-store';
import { tempDir, waitUntil } from '../support/temp';

/** GraphQL over HTTP against a server process, as `userId`. */
async function gql(url: string, userId: string, query: string, variables: Record<string, unknown> = {}) {
  const token = await issueToken(TEST_SECRET, { sub: userId, email: `${userId}@example.com`, name: userId });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data ?? {};
}

const ADD_USERS = `mutation ($input: AddUsersInput!) { addUsers(input: $input) { addedCount } }`;

describe('a server killed (kill -9) after the SMTP server took a message and before it was recorded', () => {
  const data = tempDir('saas-email-crash-');
  let killArmed = false;
  let server: ServerProcess | null = null;
  const smtp = new SmtpTestServer({
    // Before the SMTP server answers 250: the sender never learns that the message arrived.
    onReceived: async () => {
      if (!killArmed || !server) return;
      killArmed = false;
      server.child.kill('SIGKILL');
      await server.exited;
    },
  });
  const env = () => ({
    ...process.env,
    DATA_DIR: data.dir,
    PORT: '0',
    LOG_LEVEL: 'info',
    AUTH_JWT_SECRET: TEST_SECRET,
    SMTP_URL: smtp.url,
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await smtp.stop();
    data.remove();
  });

  test('loses nothing after the restart, sends again only the unrecorded message, with the same Message-ID', async () => {
    await smtp.start();
    server = startServerProcess(env());
    let url = await server.url;
    for (const userId of ['owner', 'p1', 'p2', 'p3']) await gql(url, userId, '{ me { userId } }');
    const created = await gql(
      url,
      'owner',
      'mutation ($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }',
      {
        input: { name: 'Crash', domainIdentifier: 'mail-crash.example' },
      },
    );
    const accountId = (created.createSmartAccount as { id: string }).id;
    const roles = [{ role: 'SMART_ACCOUNT_VIEWER' }];
    await gql(url, 'owner', ADD_USERS, { input: { accountId, users: ['p1'], roles } });
    await waitUntil(() => smtp.received.length === 1, 10_000);
    // …and the server has recorded it as sent (it has the SMTP server's answer).
    const sentCount = async () => {
      const metrics = await (await fetch(new URL('/metrics', url))).text();
      return /^email_messages_sent_total (\d+)$/m.exec(metrics)?.[1];
    };
    await waitUntil(async () => (await sentCount()) === '1', 10_000);

    killArmed = true;
    const killed = server;
    // The response may or may not make it out before the crash: the append is what counts.
    await gql(url, 'owner', ADD_USERS, { input: { accountId, users: ['p2', 'p3'], roles } }).catch(
      () => null,
    );
    expect(await killed.exited).toBeNull();
    const takenAtTheCrash = smtp.received[1];

    server = startServerProcess(env());
    url = await server.url;
    const store = openSqliteEventStore({ file: sqliteFile(data.dir) });
    const added = (await store.readAll()).filter((event) => event.type === 'UserAdded' && event.data.notify);
    await store.close();
    const expected = added.map((event) => messageIdFor(event.eventId, String(event.data.userId)));
    const ids = (mails: ReceivedMail[]) => mails.map((mail) => mail.messageId ?? '');
    await waitUntil(() => expected.every((id) => ids(smtp.received).includes(id)), 30_000);

    expect(new Set(ids(smtp.received))).toEqual(new Set(expected));
    const timesReceived = (id: string | undefined) =>
      ids(smtp.received).filter((other) => other === id).length;
    expect(timesReceived(takenAtTheCrash.messageId)).toBe(2);
    expect(timesReceived(expected[0])).toBe(1); // p1's message was recorded as sent: never again
  }, 120_000);
});
