import { Feed, settle } from '../e2e/access-fixtures';
import { CREATE_ACCOUNT, SET_USER_ROLES, ADD_USERS, accountRole, dataOf } from '../e2e/accounts-fixtures';
import { LEASES, ServerProcesses, testToken, type ServerChild } from '../support/cluster-processes';
import { testRedis } from '../support/redis';
import { tempDir, waitUntil } from '../support/temp';

const APPENDED = `subscription ($id: ID!, $after: String) {
  accountHistoryAppended(accountId: $id, afterPosition: $after) { revision position type }
}`;
const LAST_ENTRY = `query ($id: ID!) {
  smartAccount(id: $id) { history(filter: { newestFirst: true }, first: 1) { edges { node { revision position } } } }
}`;
/** Role changes made through process A while B's subscribers follow. */
const CHANGES = 30;

type Appended = { revision: number; position: string; type: string };

/**
 * Two server processes on one event store (one SQLite file) and one Redis: A (ROLE=all) runs
 * the projections, B (ROLE=api) only serves. A subscriber to `accountHistoryAppended` on B gets
 * the events committed through A as they happen.
 */
describe('accountHistoryAppended across processes', () => {
  const redis = testRedis();
  const data = tempDir('saas-history-live-');
  const servers = new ServerProcesses(data.dir, redis.prefix());
  let a: ServerChild;
  let b: ServerChild;

  beforeAll(async () => {
    a = await servers.start({ ROLE: 'all' });
    b = await servers.start({ ROLE: 'api' });
  }, 60_000);
  afterAll(async () => {
    await servers.close();
    await redis.cleanup();
    data.remove();
  });

  test(`a subscriber on B receives every one of ${CHANGES} changes made through A, in order, once`, async () => {
    expect((await a.readyz()).projecting).toEqual(LEASES);
    expect((await b.readyz()).projecting).toEqual([]);
    const admin = await testToken('admin');
    const auditor = await testToken('auditor', ['auditor']);
    for (const token of [admin, await testToken('bob'), auditor])
      dataOf(await a.gql(token, '{ me { userId } }'));
    const { createSmartAccount: account } = dataOf(
      await a.gql<{ createSmartAccount: { id: string } }>(admin, CREATE_ACCOUNT, {
        input: { name: 'Live across processes', domainIdentifier: 'history-processes.example' },
      }),
    );
    dataOf(
      await a.gql(admin, ADD_USERS, {
        input: { accountId: account.id, users: ['bob'], roles: [accountRole('SMART_ACCOUNT_VIEWER')] },
      }),
    );
    const last = dataOf(
      await b.gql<{
        smartAccount: { history: { edges: Array<{ node: { revision: number; position: string } }> } };
      }>(admin, LAST_ENTRY, { id: account.id }),
    ).smartAccount.history.edges[0].node;

    // One from the last position seen, one from now on (started once it has seen an event).
    const resumed = new Feed<Appended>(b.wsClient(auditor), APPENDED, 'accountHistoryAppended', {
      id: account.id,
      after: last.position,
    });
    let toggles = 0;
    const change = async () => {
      const role = toggles++ % 2 === 0 ? 'SMART_ACCOUNT_USER' : 'SMART_ACCOUNT_VIEWER';
      dataOf(
        await a.gql(admin, SET_USER_ROLES, {
          input: { accountId: account.id, userId: 'bob', roles: [accountRole(role)] },
        }),
      );
    };
    const fresh = new Feed<Appended>(b.wsClient(admin), APPENDED, 'accountHistoryAppended', {
      id: account.id,
    });
    await waitUntil(async () => {
      await change();
      return fresh.items.length > 0 && resumed.items.length > 0;
    }, 30_000);
    const liveFrom = fresh.items[0].revision;

    for (let i = 0; i < CHANGES; i++) await change();
    const end = last.revision + toggles;
    await waitUntil(() => resumed.items.at(-1)?.revision === end || resumed.ended(), 30_000);
    await waitUntil(() => fresh.items.at(-1)?.revision === end || fresh.ended(), 30_000);
    // Anything sent twice would have arrived by now.
    await settle(500);
    resumed.stop();
    fresh.stop();

    const from = (start: number) => Array.from({ length: end - start + 1 }, (_, i) => start + i);
    expect(resumed.items.map((entry) => entry.revision)).toEqual(from(last.revision + 1));
    expect(fresh.items.map((entry) => entry.revision)).toEqual(from(liveFrom));
    expect(new Set(resumed.items.map((entry) => entry.type))).toEqual(new Set(['UserRolesChanged']));
    expect(end - liveFrom).toBeGreaterThanOrEqual(CHANGES);
  }, 120_000);
});
