import { startTestApp, type TestApp } from '../support/app-harness';
import {
  CANCEL,
  Feed,
  LiveListeners,
  REMIND,
  REQUEST_FIELDS,
  accountRequestsTopic,
  approve,
  decline,
  myRequests,
  myRoles,
  requestAccessOk,
  requestTopic,
  requesterTopic,
  settle,
  type RequestView,
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

const REQUEST_UPDATED = `subscription ($id: ID!) { accessRequestUpdated(id: $id) { ${REQUEST_FIELDS} } }`;
const MINE_UPDATED = `subscription { myAccessRequestsUpdated { ${REQUEST_FIELDS} } }`;
const ACCOUNT_UPDATED = `subscription ($accountId: ID!) {
  accountAccessRequestsUpdated(accountId: $accountId) { ${REQUEST_FIELDS} }
}`;

/** How long an update may take to reach a subscriber once the mutation answered. */
const LIVE_MS = 1000;
/** How long to keep listening for an update that must not come (it would have come by then). */
const QUIET_MS = 300;

const statuses = (items: readonly RequestView[]) => items.map((item) => item.status);

describe('access requests live over HTTP and WebSocket', () => {
  let t: TestApp;
  let listeners: LiveListeners;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    // A reminder is allowed at once.
    t = await startTestApp({ ACCESS_REMINDER_INTERVAL_SECONDS: '0' });
    listeners = new LiveListeners(t);
    tokens = await signInAll(t, ['alice', 'carol', 'dave', 'eve', 'bob', 'ben', 'bill', 'beth', 'bo']);
  });
  afterAll(() => t.stop());

  /** A fresh account of alice's, with dave as SMART_ACCOUNT_VIEWER. */
  async function aliceAccount(domain: string) {
    const account = await createAccount(t, tokens.alice, `Account ${domain}`, domain);
    await addUsersOk(t, tokens.alice, account.id, ['dave'], [accountRole('SMART_ACCOUNT_VIEWER')]);
    return account;
  }

  /** `token`'s subscription to one request, once the server listens. */
  async function watchRequest(token: string, id: string): Promise<Feed<RequestView>> {
    const before = listeners.count(requestTopic(id));
    const feed = new Feed<RequestView>(t.wsClient(token), REQUEST_UPDATED, 'accessRequestUpdated', { id });
    await listeners.until(requestTopic(id), before + 1);
    return feed;
  }

  test('approval reaches the requester at once, with the roles, which he then holds', async () => {
    const account = await aliceAccount('live-approve.example');
    const request = await requestAccessOk(t, tokens.bob, 'LIVE-APPROVE.example');
    expect(request).toMatchObject({ status: 'PENDING', accountId: account.id, kind: 'USER' });
    const feed = await watchRequest(tokens.bob, request.id);

    const roles = [accountRole('SMART_ACCOUNT_VIEWER'), vaRole('VIRTUAL_ACCOUNT_USER', account.defaultVaId)];
    const approved = dataOf(
      await approve(t, tokens.alice, request.id, roles, 'Welcome'),
    ).approveAccessRequest;
    expect(approved.status).toBe('APPROVED');

    const [update] = await feed.waitFor(1, LIVE_MS);
    expect(update).toMatchObject({
      id: request.id,
      status: 'APPROVED',
      decidedBy: 'alice',
      decisionMessage: 'Welcome',
      nextReminderAllowedAt: null,
    });
    const expectedRoles = [
      { role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null },
      { role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: account.defaultVaId } },
    ];
    expect(update.grantedRoles).toEqual(expectedRoles);
    // On receipt, the requester can read the account and holds the roles.
    expect(await myRoles(t, tokens.bob, account.id)).toEqual(
      expectedRoles.map((role) => ({ ...role, viaGroup: null })),
    );

    await settle(QUIET_MS);
    expect(statuses(feed.items)).toEqual(['APPROVED']);
    feed.stop();
  });

  test('a decline reaches the requester with the message; he still cannot read the account', async () => {
    const account = await aliceAccount('live-decline.example');
    const request = await requestAccessOk(t, tokens.ben, 'live-decline.example');
    const feed = await watchRequest(tokens.ben, request.id);

    expect(
      dataOf(await decline(t, tokens.alice, request.id, 'Ask your manager')).declineAccessRequest,
    ).toMatchObject({ status: 'DECLINED' });
    const [update] = await feed.waitFor(1, LIVE_MS);
    expect(update).toMatchObject({
      status: 'DECLINED',
      decisionMessage: 'Ask your manager',
      decidedBy: 'alice',
      grantedRoles: [],
    });
    expect(await myRoles(t, tokens.ben, account.id)).toBeNull();
    await settle(QUIET_MS);
    expect(statuses(feed.items)).toEqual(['DECLINED']);
    feed.stop();
  });

  test('a reminder and a cancellation: each change once, in order, to the requester and the admins', async () => {
    const account = await aliceAccount('live-cancel.example');
    const request = await requestAccessOk(t, tokens.bill, 'live-cancel.example');
    expect(request.remindersSent).toBe(0);
    const mine = await watchRequest(tokens.bill, request.id);
    const admins = await watchRequest(tokens.alice, request.id);

    const reminded = dataOf(
      await t.gql<{ sendAccessRequestReminder: RequestView }>(tokens.bill, REMIND, { id: request.id }),
    ).sendAccessRequestReminder;
    expect(reminded).toMatchObject({ status: 'PENDING', remindersSent: 1 });
    expect(reminded.lastReminderAt).not.toBeNull();
    const [reminder] = await mine.waitFor(1, LIVE_MS);
    expect(reminder).toMatchObject({ status: 'PENDING', remindersSent: 1 });

    const cancelled = dataOf(
      await t.gql<{ cancelAccessRequest: RequestView }>(tokens.bill, CANCEL, { id: request.id }),
    ).cancelAccessRequest;
    expect(cancelled.status).toBe('CANCELLED');
    await mine.waitFor(2, LIVE_MS);
    await admins.waitFor(2, LIVE_MS);

    await settle(QUIET_MS);
    for (const feed of [mine, admins]) {
      expect(feed.items.map((item) => [item.status, item.remindersSent])).toEqual([
        ['PENDING', 1],
        ['CANCELLED', 1],
      ]);
      expect(feed.items[1].nextReminderAllowedAt).toBeNull();
      feed.stop();
    }
    expect(await myRoles(t, tokens.bill, account.id)).toBeNull();
  });

  test('myAccessRequestsUpdated: every change of the caller’s requests, once and in order', async () => {
    const first = await aliceAccount('live-mine-1.example');
    await aliceAccount('live-mine-2.example');
    const feed = new Feed<RequestView>(t.wsClient(tokens.beth), MINE_UPDATED, 'myAccessRequestsUpdated');
    await listeners.until(requesterTopic('beth'));

    const one = await requestAccessOk(t, tokens.beth, 'live-mine-1.example');
    await feed.waitFor(1, LIVE_MS);
    dataOf(await approve(t, tokens.alice, one.id, [accountRole('SMART_ACCOUNT_USER')]));
    const [, approved] = await feed.waitFor(2, LIVE_MS);
    expect(approved).toMatchObject({
      id: one.id,
      status: 'APPROVED',
      grantedRoles: [{ role: 'SMART_ACCOUNT_USER', virtualAccount: null }],
    });
    expect(await myRoles(t, tokens.beth, first.id)).toEqual([
      { role: 'SMART_ACCOUNT_USER', virtualAccount: null, viaGroup: null },
    ]);

    const two = await requestAccessOk(t, tokens.beth, 'live-mine-2.example');
    dataOf(await t.gql(tokens.beth, CANCEL, { id: two.id }));
    // The last change arrived: everything before it has too, so the list is complete.
    await feed.waitFor(4, LIVE_MS);
    expect(feed.items.map((item) => [item.id, item.status])).toEqual([
      [one.id, 'PENDING'],
      [one.id, 'APPROVED'],
      [two.id, 'PENDING'],
      [two.id, 'CANCELLED'],
    ]);
    // Nobody else's requests.
    await requestAccessOk(t, tokens.bo, 'live-mine-2.example');
    await settle(QUIET_MS);
    expect(feed.items).toHaveLength(4);
    feed.stop();
  });

  test('accountAccessRequestsUpdated shows the admin each new request', async () => {
    const account = await aliceAccount('live-account.example');
    const feed = new Feed<RequestView>(
      t.wsClient(tokens.alice),
      ACCOUNT_UPDATED,
      'accountAccessRequestsUpdated',
      {
        accountId: account.id,
      },
    );
    await listeners.until(accountRequestsTopic(account.id));

    const request = await requestAccessOk(t, tokens.eve, 'live-account.example', 'Audit');
    const [update] = await feed.waitFor(1, LIVE_MS);
    expect(update).toMatchObject({
      id: request.id,
      status: 'PENDING',
      kind: 'USER',
      reason: 'Audit',
      requester: { userId: 'eve' },
      accountId: account.id,
      lookupId: request.lookupId,
    });
    feed.stop();
  });

  test('only the requester and the admins may subscribe to a request; anonymous is refused', async () => {
    await aliceAccount('live-authz.example');
    const request = await requestAccessOk(t, tokens.bo, 'live-authz.example');

    // dave is a viewer of the account, eve a stranger: the request does not exist for them.
    for (const user of ['dave', 'eve']) {
      const feed = new Feed<RequestView>(t.wsClient(tokens[user]), REQUEST_UPDATED, 'accessRequestUpdated', {
        id: request.id,
      });
      await feed.waitForEnd();
      expect(feed.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
      expect(feed.items).toEqual([]);
    }
    const anonymous = new Feed<RequestView>(t.wsClient(null), REQUEST_UPDATED, 'accessRequestUpdated', {
      id: request.id,
    });
    await anonymous.waitForEnd();
    expect(anonymous.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);

    // A made-up ID looks the same as one the caller may not see.
    const missing = new Feed<RequestView>(t.wsClient(tokens.eve), REQUEST_UPDATED, 'accessRequestUpdated', {
      id: '00000000-0000-4000-8000-000000000000',
    });
    await missing.waitForEnd();
    expect(missing.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);

    // None of them is listening.
    expect(listeners.count(requestTopic(request.id))).toBe(0);

    // The account's requests: a viewer is FORBIDDEN, a stranger is told the account does not exist.
    for (const [user, code] of [
      ['dave', 'FORBIDDEN'],
      ['eve', 'NOT_FOUND'],
    ]) {
      const feed = new Feed<RequestView>(
        t.wsClient(tokens[user]),
        ACCOUNT_UPDATED,
        'accountAccessRequestsUpdated',
        {
          accountId: request.accountId,
        },
      );
      await feed.waitForEnd();
      expect(feed.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    }
    expect(listeners.count(accountRequestsTopic(request.accountId))).toBe(0);
  });

  test('an admin who is removed stops receiving the account’s requests on the next event', async () => {
    const account = await aliceAccount('live-removed.example');
    await addUsersOk(t, tokens.alice, account.id, ['carol'], [accountRole('SMART_ACCOUNT_ADMIN')]);
    const topic = accountRequestsTopic(account.id);
    const before = listeners.count(topic);
    const aliceFeed = new Feed<RequestView>(
      t.wsClient(tokens.alice),
      ACCOUNT_UPDATED,
      'accountAccessRequestsUpdated',
      { accountId: account.id },
    );
    const carolClient = t.wsClient(tokens.carol);
    const carolFeed = new Feed<RequestView>(carolClient, ACCOUNT_UPDATED, 'accountAccessRequestsUpdated', {
      accountId: account.id,
    });
    await listeners.until(topic, before + 2);

    // Both admins see the first request; carol also follows that one request.
    const first = await requestAccessOk(t, tokens.ben, 'live-removed.example');
    await aliceFeed.waitFor(1, LIVE_MS);
    await carolFeed.waitFor(1, LIVE_MS);
    expect(carolFeed.items.map((item) => item.id)).toEqual([first.id]);
    const carolOnFirst = new Feed<RequestView>(carolClient, REQUEST_UPDATED, 'accessRequestUpdated', {
      id: first.id,
    });
    const aliceOnFirst = await watchRequest(tokens.alice, first.id);
    await listeners.until(requestTopic(first.id), 2);

    dataOf(await t.gql(tokens.alice, REMOVE_USER, { input: { accountId: account.id, userId: 'carol' } }));

    const second = await requestAccessOk(t, tokens.beth, 'live-removed.example');
    dataOf(await decline(t, tokens.alice, first.id, 'No'));
    const seenByAlice = await aliceFeed.waitFor(3, LIVE_MS);
    expect(seenByAlice.map((item) => [item.id, item.status])).toEqual([
      [first.id, 'PENDING'],
      [second.id, 'PENDING'],
      [first.id, 'DECLINED'],
    ]);
    await aliceOnFirst.waitFor(1, LIVE_MS);
    await settle(QUIET_MS);
    expect(carolFeed.items.map((item) => item.id)).toEqual([first.id]);
    expect(carolOnFirst.items).toEqual([]);
    expect(await myRoles(t, tokens.carol, account.id)).toBeNull();
    for (const feed of [aliceFeed, carolFeed, carolOnFirst, aliceOnFirst]) feed.stop();
  });

  test('a client that reconnects catches up with myAccessRequests(status)', async () => {
    const account = await aliceAccount('live-reconnect.example');
    const client = t.wsClient(tokens.eve);
    const feed = new Feed<RequestView>(client, MINE_UPDATED, 'myAccessRequestsUpdated');
    await listeners.until(requesterTopic('eve'));
    const request = await requestAccessOk(t, tokens.eve, 'live-reconnect.example');
    await feed.waitFor(1, LIVE_MS);
    expect(feed.items.map((item) => [item.id, item.status])).toEqual([[request.id, 'PENDING']]);

    // The client goes away; meanwhile the request is approved.
    await client.dispose();
    await feed.waitForEnd();
    dataOf(await approve(t, tokens.alice, request.id, [accountRole('SMART_ACCOUNT_VIEWER')]));

    const again = new Feed<RequestView>(t.wsClient(tokens.eve), MINE_UPDATED, 'myAccessRequestsUpdated');
    await listeners.until(requesterTopic('eve'));
    const approved = await myRequests(t, tokens.eve, 'APPROVED');
    expect(approved.filter((r) => r.accountId === account.id)).toEqual([
      expect.objectContaining({
        id: request.id,
        status: 'APPROVED',
        grantedRoles: [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null }],
      }),
    ]);
    expect((await myRequests(t, tokens.eve, 'PENDING')).map((r) => r.id)).not.toContain(request.id);
    expect(feed.items).toHaveLength(1);
    expect(again.items).toEqual([]);
    again.stop();
  });
});
