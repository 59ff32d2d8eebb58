import pino from 'pino';
import { startApp, type RunningApp } from '../../src/app/app';
import type { StoredEvent } from '../../src/eventstore/port';
import { codeOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/app-harness';
import { waitUntil } from '../support/temp';
import {
  ADD_USERS,
  CREATE_ACCOUNT,
  CREATE_VIRTUAL_ACCOUNT,
  REMOVE_USER,
  SET_USER_ROLES,
  accountEvents,
  accountRole,
  addUsers,
  addUsersOk,
  allUserIds,
  createAccount,
  dataOf,
  signInAll,
  usersPage,
  type AccountView,
  type AddUsersPayloadView,
} from './accounts-fixtures';

const ROLES = [accountRole('SMART_ACCOUNT_VIEWER')];

const range = <T>(count: number, make: (i: number) => T): T[] =>
  Array.from({ length: count }, (_, i) => make(i));

describe('concurrent mutations over HTTP', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.signIn('con-admin');
  });
  afterAll(() => t.stop());

  test('20 concurrent addUsers on one account, each adding different users: none is lost', async () => {
    const account = await createAccount(t, admin, 'Busy', 'busy.example');
    const batches = range(20, (b) => range(3, (i) => `busy-${b}-${i}`));
    await signInAll(t, batches.flat());

    const responses = await Promise.all(
      batches.map((users) => addUsers(t, admin, { accountId: account.id, users, roles: ROLES })),
    );
    responses.forEach((response, b) => {
      const payload = dataOf(response).addUsers;
      expect(payload.results.map((r) => [r.input, r.outcome, r.user?.profile.userId])).toEqual(
        batches[b].map((id) => [id, 'ADDED', id]),
      );
    });

    const expected = ['con-admin', ...batches.flat()].sort();
    expect((await usersPage(t, admin, account.id, { first: 1 })).totalCount).toBe(expected.length);
    expect((await allUserIds(t, admin, account.id, { first: 7 })).sort()).toEqual(expected);
    const events = accountEvents(await t.allEvents(), account.id);
    const added = events.filter((e) => e.type === 'UserAdded').map((e) => String(e.data.userId));
    expect(added.sort()).toEqual(expected);
    // Revisions are gapless: every batch appended to the one stream in turn.
    expect(events.map((e) => e.revision)).toEqual(range(events.length, (i) => i));
  });

  test('10 concurrent calls adding the same user: one ADDED, the others ALREADY_MEMBER, one event', async () => {
    const account = await createAccount(t, admin, 'Same', 'same-user.example');
    await t.signIn('same-user');
    const responses = await Promise.all(
      range(10, () => addUsers(t, admin, { accountId: account.id, users: ['same-user'], roles: ROLES })),
    );
    const outcomes = responses.map((response) => dataOf(response).addUsers.results[0].outcome).sort();
    expect(outcomes).toEqual(['ADDED', ...range(9, () => 'ALREADY_MEMBER')]);
    const added = accountEvents(await t.allEvents(), account.id).filter(
      (e) => e.type === 'UserAdded' && e.data.userId === 'same-user',
    );
    expect(added).toHaveLength(1);
  });

  test('concurrent retries with one idempotencyKey: the same results, one set of events', async () => {
    const account = await createAccount(t, admin, 'Retry', 'retry.example');
    const users = range(4, (i) => `retry-${i}`);
    await signInAll(t, users);
    const input = {
      accountId: account.id,
      users: [...users, 'retry-missing'],
      roles: ROLES,
      idempotencyKey: 'k-1',
    };
    const responses = await Promise.all(range(8, () => addUsers(t, admin, input)));
    const payloads = responses.map((response) => dataOf(response).addUsers);
    for (const payload of payloads) expect(payload).toEqual(payloads[0]);
    expect(payloads[0].results.map((r) => r.outcome)).toEqual([
      'ADDED',
      'ADDED',
      'ADDED',
      'ADDED',
      'NOT_FOUND',
    ]);
    const added = accountEvents(await t.allEvents(), account.id).filter((e) => e.type === 'UserAdded');
    expect(added.map((e) => e.data.userId)).toEqual(['con-admin', ...users]);
  });

  test('the same domain identifier in different case, concurrently: exactly one account, the rest CONFLICT', async () => {
    for (const variants of [
      ['Race.example', 'race.EXAMPLE'],
      [
        'crowd.example',
        'CROWD.example',
        'Crowd.Example',
        'crowd.examplE',
        ' crowd.example ',
        'CROWD.EXAMPLE',
      ],
    ]) {
      const tokens = await signInAll(
        t,
        variants.map((_, i) => `founder-${variants.length}-${i}`),
      );
      const responses = await Promise.all(
        variants.map((domainIdentifier, i) =>
          t.gql<{ createSmartAccount: AccountView }>(
            tokens[`founder-${variants.length}-${i}`],
            CREATE_ACCOUNT,
            {
              input: { name: `Founder ${i}`, domainIdentifier },
            },
          ),
        ),
      );
      const winners = responses.filter((response) => response.errors === undefined);
      expect(winners).toHaveLength(1);
      expect(responses.map(codeOf).filter((code) => code !== undefined)).toEqual(
        range(variants.length - 1, () => 'CONFLICT'),
      );
      const key = variants[0].trim().toLowerCase();
      const events = await t.allEvents();
      const created = events.filter(
        (e) =>
          e.type === 'SmartAccountCreated' && String(e.data.domainIdentifier).trim().toLowerCase() === key,
      );
      expect(created).toHaveLength(1);
      const winner = dataOf(winners[0]).createSmartAccount;
      expect(created[0].data.accountId).toBe(winner.id);
      // The others were left with no account at all.
      for (const [i, response] of responses.entries()) {
        const mine = dataOf(
          await t.gql<{ mySmartAccounts: Array<{ id: string }> }>(
            tokens[`founder-${variants.length}-${i}`],
            '{ mySmartAccounts { id } }',
          ),
        ).mySmartAccounts;
        expect(mine).toEqual(response.errors === undefined ? [{ id: winner.id }] : []);
      }
    }
  });

  test('two admins demoting each other at once: one wins, the account keeps an admin', async () => {
    const [a, b] = ['duel-a', 'duel-b'];
    const tokens = await signInAll(t, [a, b]);
    const account = await createAccount(t, tokens[a], 'Duel', 'duel.example');
    await addUsersOk(t, tokens[a], account.id, [b], [accountRole('SMART_ACCOUNT_ADMIN')]);
    const [demoteB, demoteA] = await Promise.all([
      t.gql(tokens[a], SET_USER_ROLES, { input: { accountId: account.id, userId: b, roles: ROLES } }),
      t.gql(tokens[b], SET_USER_ROLES, { input: { accountId: account.id, userId: a, roles: ROLES } }),
    ]);
    // Whoever came second is no admin any more (FORBIDDEN) or is the last admin (CONFLICT).
    const codes = [codeOf(demoteB), codeOf(demoteA)];
    expect(codes.filter((code) => code === undefined)).toHaveLength(1);
    expect(codes.filter((code) => code !== undefined)).toEqual([
      expect.stringMatching(/^(FORBIDDEN|CONFLICT)$/),
    ]);
    await expectOneAdmin(account.id, tokens);

    // Both remove the other at once, after b is an admin again.
    const winner = codes[0] === undefined ? a : b;
    const loser = winner === a ? b : a;
    await t.gql(tokens[winner], SET_USER_ROLES, {
      input: { accountId: account.id, userId: loser, roles: [accountRole('SMART_ACCOUNT_ADMIN')] },
    });
    const removals = await Promise.all([
      t.gql(tokens[a], REMOVE_USER, { input: { accountId: account.id, userId: b } }),
      t.gql(tokens[b], REMOVE_USER, { input: { accountId: account.id, userId: a } }),
    ]);
    expect(removals.filter((r) => r.errors === undefined)).toHaveLength(1);
    await expectOneAdmin(account.id, tokens);
  });

  async function expectOneAdmin(accountId: string, tokens: Record<string, string>): Promise<void> {
    const events = accountEvents(await t.allEvents(), accountId);
    const admins = new Set<string>();
    for (const event of events) {
      const userId = String(event.data.userId);
      const roles = (event.data.roles ?? []) as Array<{ role: string }>;
      if (event.type === 'UserRemoved') admins.delete(userId);
      else if (event.type === 'UserAdded' || event.type === 'UserRolesChanged') {
        if (roles.some((r) => r.role === 'SMART_ACCOUNT_ADMIN')) admins.add(userId);
        else admins.delete(userId);
      }
    }
    expect(admins.size).toBe(1);
    const [admin] = [...admins];
    const roles = dataOf(
      await t.gql<{ smartAccount: { myRoles: Array<{ role: string }> } }>(
        tokens[admin],
        'query ($id: ID!) { smartAccount(id: $id) { myRoles { role } } }',
        { id: accountId },
      ),
    );
    expect(roles.smartAccount.myRoles).toEqual([{ role: 'SMART_ACCOUNT_ADMIN' }]);
  }

  test('concurrent Virtual Accounts with one name in different case: one is created', async () => {
    const account = await createAccount(t, admin, 'VA Race', 'va-race.example');
    const names = ['Sales', 'SALES', 'sales', ' Sales '];
    const responses = await Promise.all(
      names.map((name) => t.gql(admin, CREATE_VIRTUAL_ACCOUNT, { input: { accountId: account.id, name } })),
    );
    expect(responses.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(responses.map(codeOf).filter((c) => c !== undefined)).toEqual([
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
    ]);
    const created = accountEvents(await t.allEvents(), account.id).filter(
      (e) => e.type === 'VirtualAccountCreated' && e.data.isDefault === false,
    );
    expect(created).toHaveLength(1);
  });

  describe('while the read models lag behind the event log', () => {
    /**
     * Holds back the projector's commits until `release()`: the log is then ahead of the read
     * models, as it is for a moment after every append. Restored by `restore()`.
     */
    function holdProjections(): { release: () => void; restore: () => void } {
      const store = t.app.readModels;
      const original = store.commit;
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      store.commit = async (...args) => {
        await gate;
        return original.apply(store, args);
      };
      return {
        release,
        restore: () => {
          release();
          store.commit = original;
        },
      };
    }

    const appended = (accountId: string, type: string, userId: string) => async () =>
      accountEvents(await t.allEvents(), accountId).some((e) => e.type === type && e.data.userId === userId);

    /**
     * Runs `second` once `first` has appended its events (`appendedYet`), and lets the read models
     * catch up only after `second` answered, or at the latest after a while: so an answer that does not
     * wait for the read models to reach what it decided on is seen, and a correct one is never refused.
     */
    async function whileLagging<A, B>(
      first: () => Promise<A>,
      appendedYet: () => Promise<boolean>,
      second: () => Promise<B>,
    ): Promise<[A, B]> {
      const hold = holdProjections();
      try {
        const firstDone = first();
        await waitUntil(appendedYet);
        const secondDone = second();
        void Promise.race([secondDone, new Promise((resolve) => setTimeout(resolve, 300))]).then(
          hold.release,
        );
        return [await firstDone, await secondDone];
      } finally {
        hold.restore();
      }
    }

    test('a retry with the idempotencyKey answers with the first result, which the next query sees', async () => {
      const account = await createAccount(t, admin, 'Lag Retry', 'lag-retry.example');
      await t.signIn('lag-1');
      const input = { accountId: account.id, users: ['lag-1'], roles: ROLES, idempotencyKey: 'lag-key' };
      const [first, retry] = await whileLagging(
        () => addUsers(t, admin, input),
        appended(account.id, 'UserAdded', 'lag-1'),
        async () => {
          const response = await addUsers(t, admin, input);
          return { response, usersAfter: await allUserIds(t, admin, account.id) };
        },
      );
      expect(dataOf(retry.response)).toEqual(dataOf(first));
      expect(dataOf(retry.response).addUsers.results[0].user?.profile.userId).toBe('lag-1');
      expect(retry.usersAfter).toEqual(['con-admin', 'lag-1']);
    });

    test('adding a user someone just added reports ALREADY_MEMBER with the user', async () => {
      const account = await createAccount(t, admin, 'Lag Member', 'lag-member.example');
      await t.signIn('lag-2');
      const input = { accountId: account.id, users: ['lag-2'], roles: ROLES };
      const [, second] = await whileLagging(
        () => addUsers(t, admin, input),
        appended(account.id, 'UserAdded', 'lag-2'),
        () => addUsers(t, admin, input),
      );
      expect(dataOf(second).addUsers.results).toEqual([
        expect.objectContaining({
          outcome: 'ALREADY_MEMBER',
          user: expect.objectContaining({ profile: { userId: 'lag-2' } }),
        }),
      ]);
    });

    test('setUserRoles to the roles someone just gave answers with the user', async () => {
      const account = await createAccount(t, admin, 'Lag Roles', 'lag-roles.example');
      await t.signIn('lag-3');
      const [, second] = await whileLagging(
        () => addUsers(t, admin, { accountId: account.id, users: ['lag-3'], roles: ROLES }),
        appended(account.id, 'UserAdded', 'lag-3'),
        () =>
          t.gql(admin, SET_USER_ROLES, { input: { accountId: account.id, userId: 'lag-3', roles: ROLES } }),
      );
      expect(dataOf(second)).toEqual({
        setUserRoles: {
          profile: { userId: 'lag-3' },
          directRoles: [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null }],
        },
      });
    });
  });

  describe('two server processes on one event store', () => {
    let second: RunningApp;

    const gqlAt = async <T>(
      url: string,
      token: string,
      query: string,
      variables: Record<string, unknown>,
    ): Promise<GraphQLResponse<T>> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse<T>, 'status'>) };
    };

    /** Both servers' read models include every event appended so far. */
    const bothCaughtUp = async (): Promise<StoredEvent[]> => {
      const events = await t.allEvents();
      const head = events[events.length - 1].position;
      for (const app of [t.app, second]) {
        expect(await app.projector.waitFor(head, 10_000)).toBe(true);
      }
      return events;
    };

    beforeAll(async () => {
      // The first server's configuration: the same event store, another free port.
      second = await startApp(t.config, { logger: pino({ level: 'silent' }) });
    });
    afterAll(() => second.close());

    test('concurrent addUsers on both lose nothing; the same domain on both gives one account', async () => {
      const account = await createAccount(t, admin, 'Shared', 'shared.example');
      const batches = range(20, (b) => range(2, (i) => `shared-${b}-${i}`));
      await signInAll(t, batches.flat());
      await bothCaughtUp();

      const responses = await Promise.all(
        batches.map((users, b) =>
          gqlAt<{ addUsers: AddUsersPayloadView }>(b % 2 === 0 ? t.url : second.url, admin, ADD_USERS, {
            input: { accountId: account.id, users, roles: ROLES },
          }),
        ),
      );
      for (const [b, response] of responses.entries()) {
        expect(dataOf(response).addUsers.results.map((r) => r.outcome)).toEqual(
          batches[b].map(() => 'ADDED'),
        );
      }
      const events = accountEvents(await bothCaughtUp(), account.id);
      const expected = ['con-admin', ...batches.flat()].sort();
      expect(
        events
          .filter((e) => e.type === 'UserAdded')
          .map((e) => String(e.data.userId))
          .sort(),
      ).toEqual(expected);
      expect((await usersPage(t, admin, account.id, { first: 1 })).totalCount).toBe(expected.length);

      const founders = await signInAll(t, ['founder-x', 'founder-y']);
      await bothCaughtUp();
      const created = await Promise.all([
        gqlAt(t.url, founders['founder-x'], CREATE_ACCOUNT, {
          input: { name: 'X', domainIdentifier: 'split.example' },
        }),
        gqlAt(second.url, founders['founder-y'], CREATE_ACCOUNT, {
          input: { name: 'Y', domainIdentifier: 'SPLIT.example' },
        }),
      ]);
      expect(created.map((r) => codeOf(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
      const all = await t.allEvents();
      expect(
        all.filter(
          (e) =>
            e.type === 'SmartAccountCreated' &&
            String(e.data.domainIdentifier).toLowerCase() === 'split.example',
        ),
      ).toHaveLength(1);
    });
  });
});
