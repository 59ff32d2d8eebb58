import { startTestApp, type TestApp } from '../support/app-harness';
import { waitUntil } from '../support/temp';
import { Feed } from './access-fixtures';
import {
  SET_USER_ROLES,
  accountRole,
  addUsersOk,
  createAccount,
  dataOf,
  signInAll,
} from './accounts-fixtures';
import { lastEntry } from './history-fixtures';

const APPENDED = `subscription ($id: ID!, $after: String) {
  accountHistoryAppended(accountId: $id, afterPosition: $after) { revision position type summary supportCaseId }
}`;

type Appended = {
  revision: number;
  position: string;
  type: string;
  summary: string;
  supportCaseId: string | null;
};

describe('accountHistoryAppended: replay after a position, then live', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['alice', 'bob', 'stranger']);
    tokens.audrey = await t.signIn('audrey', { roles: ['auditor'] });
    accountId = (await createAccount(t, tokens.alice, 'Live', 'history-live.example')).id;
    await addUsersOk(t, tokens.alice, accountId, ['bob'], [accountRole('SMART_ACCOUNT_VIEWER')]);
  });
  afterAll(() => t.stop());

  let toggles = 0;
  const toggleBob = async () => {
    const role = toggles++ % 2 === 0 ? 'SMART_ACCOUNT_USER' : 'SMART_ACCOUNT_VIEWER';
    dataOf(
      await t.gql(tokens.alice, SET_USER_ROLES, {
        input: { accountId, userId: 'bob', roles: [accountRole(role)] },
      }),
    );
  };

  it('a client that reconnects with its last position while events keep arriving misses nothing and gets nothing twice', async () => {
    const start = await lastEntry(t, tokens.alice, accountId);
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 60; i++) await toggleBob();
      writing = false;
    })();

    const first = new Feed<Appended>(t.wsClient(tokens.audrey), APPENDED, 'accountHistoryAppended', {
      id: accountId,
      after: start.position,
    });
    await first.waitFor(10, 20_000);
    first.stop();
    const seen = [...first.items];
    const lastSeen = seen[seen.length - 1];
    // Events keep arriving while the client is away.
    const away = (await lastEntry(t, tokens.alice, accountId)).revision;
    await waitUntil(
      async () => (await lastEntry(t, tokens.alice, accountId)).revision >= away + 3 || !writing,
      20_000,
    );

    const second = new Feed<Appended>(t.wsClient(tokens.audrey), APPENDED, 'accountHistoryAppended', {
      id: accountId,
      after: lastSeen.position,
    });
    await writer;
    const end = (await lastEntry(t, tokens.alice, accountId)).revision;
    await waitUntil(() => second.items.at(-1)?.revision === end || second.ended(), 20_000);
    second.stop();

    const revisions = [...seen, ...second.items].map((entry) => entry.revision);
    expect(revisions).toEqual(Array.from({ length: end - start.revision }, (_, i) => start.revision + 1 + i));
    expect(second.items[0].revision).toBe(lastSeen.revision + 1);
    expect(second.items.map((entry) => entry.type)).toContain('UserRolesChanged');
  }, 60_000);

  it('without a position it starts with the next event; support’s case is on live entries', async () => {
    const feed = new Feed<Appended>(t.wsClient(tokens.alice), APPENDED, 'accountHistoryAppended', {
      id: accountId,
    });
    const before = await lastEntry(t, tokens.alice, accountId);
    // The subscription has started once an event appended now reaches it.
    await waitUntil(async () => {
      await toggleBob();
      return feed.items.length > 0;
    }, 20_000);
    const sam = await t.signIn('sam', { roles: ['support'] });
    dataOf(
      await t.gql(
        sam,
        SET_USER_ROLES,
        { input: { accountId, userId: 'bob', roles: [accountRole('SMART_ACCOUNT_APPROVER')] } },
        { 'x-support-case': 'CS-7' },
      ),
    );
    await waitUntil(() => feed.items.some((entry) => entry.supportCaseId === 'CS-7'), 20_000);
    feed.stop();
    expect(feed.items[0].revision).toBeGreaterThan(before.revision);
    expect(feed.items.at(-1)).toMatchObject({
      supportCaseId: 'CS-7',
      summary: expect.stringMatching(
        /^support \(case CS-7\) changed bob's roles from SMART_ACCOUNT_(USER|VIEWER) to SMART_ACCOUNT_APPROVER$/,
      ),
    });
  }, 60_000);

  it.each([
    ['a viewer', 'bob', {}, 'FORBIDDEN'],
    ['a stranger', 'stranger', {}, 'NOT_FOUND'],
    ['a bad position', 'alice', { after: 'yesterday' }, 'BAD_USER_INPUT'],
  ])('%s is refused (%s)', async (_label, user, extra, code) => {
    const feed = new Feed<Appended>(t.wsClient(tokens[user]), APPENDED, 'accountHistoryAppended', {
      id: accountId,
      ...extra,
    });
    await feed.waitForEnd();
    expect(feed.errors?.[0]?.extensions?.code).toBe(code);
  });
});
