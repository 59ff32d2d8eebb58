import type { JsonValue } from '../../src/eventstore/port';
import {
  accountRole,
  addUsersOk,
  createAccount,
  dataOf,
  SET_USER_ROLES,
  signInAll,
} from '../e2e/accounts-fixtures';
import { startTestApp, type TestApp } from '../support/app-harness';
import { replayCli as runReplay, type CliRun } from '../support/replay-cli';

/** `npm run replay -- <args>` against the test's server, signing with the server's secret. */
const replayCli = (t: TestApp, ...args: string[]): Promise<CliRun> =>
  runReplay(t.url, t.config.dataDir, ...args);

describe('npm run replay', () => {
  let t: TestApp;
  let accountId: string;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['alice', 'bob', 'carol']);
    const account = await createAccount(t, tokens.alice, 'Replay Corp', 'replay.example');
    accountId = account.id;
    await addUsersOk(t, tokens.alice, accountId, ['bob', 'carol'], [accountRole('SMART_ACCOUNT_USER')]);
    dataOf(
      await t.gql(tokens.alice, SET_USER_ROLES, {
        input: { accountId, userId: 'carol', roles: [accountRole('SMART_ACCOUNT_VIEWER')] },
      }),
    );
  });
  afterAll(() => t.stop());

  test('--verify after a normal run: the read models equal a replay of the log (exit 0)', async () => {
    const run = await replayCli(t, '--verify');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(
      /^The read models equal a replay of the event log \(\d+ keys; directory\.v1 at \d+; log head \d+\)/,
    );
    expect(run.stderr).toMatch(/^replay --verify: done, \d+ events in /m);
  });

  test('--verify names each key changed behind the read models’ back, with both sides (exit 1); --rebuild repairs them', async () => {
    const bob = await t.app.readModels.get<{ [key: string]: JsonValue }>('profile:bob');
    if (bob === undefined) throw new Error('no profile:bob');
    // Straight into the live store under another name: no event, no projection checkpoint moves.
    await t.app.readModels.commit(
      'tampering',
      [
        { op: 'set', key: 'profile:bob', value: { ...bob, name: 'Mallory' } },
        { op: 'set', key: 'profile:ghost', value: { userId: 'ghost' } },
      ],
      { commit: 1n, prepare: 1n },
    );

    const failed = await replayCli(t, '--verify');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('differ from a replay of the event log in 2 of');
    expect(failed.stdout).toContain(
      [
        '  profile:bob',
        `    expected: ${JSON.stringify(bob)}`,
        `    actual:   ${JSON.stringify({ ...bob, name: 'Mallory' })}`,
        '  profile:ghost',
        '    expected: (missing)',
        '    actual:   {"userId":"ghost"}',
      ].join('\n'),
    );

    const rebuilt = await replayCli(t, '--rebuild');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/^Rebuilt the read models from the event log \(directory\.v1 at \d+\)/);
    expect(await t.app.readModels.get('profile:bob')).toEqual(bob);
    expect(await t.app.readModels.get('profile:ghost')).toBeUndefined();
    expect(await replayCli(t, '--verify')).toMatchObject({ code: 0 });

    // The server keeps serving from the rebuilt read models, and keeps projecting into them.
    dataOf(
      await t.gql(tokens.alice, SET_USER_ROLES, {
        input: { accountId, userId: 'bob', roles: [accountRole('SMART_ACCOUNT_ADMIN')] },
      }),
    );
    const users = dataOf(
      await t.gql<{
        smartAccount: { users: { nodes: Array<{ profile: { userId: string; name: string } }> } };
      }>(
        tokens.alice,
        `query ($id: ID!) { smartAccount(id: $id) { users { nodes { profile { userId name } } } } }`,
        { id: accountId },
      ),
    );
    expect(users.smartAccount.users.nodes.map((n) => n.profile)).toEqual([
      { userId: 'alice', name: 'alice' },
      { userId: 'bob', name: 'bob' },
      { userId: 'carol', name: 'carol' },
    ]);
    expect(await replayCli(t, '--verify')).toMatchObject({ code: 0 });
  });

  test('the admin endpoints need a platform role: auditor or support to verify, support to rebuild', async () => {
    const base = t.url.replace(/\/graphql$/, '');
    const call = async (method: string, route: string, roles?: string[]) => {
      const headers: Record<string, string> =
        roles === undefined ? {} : { authorization: `Bearer ${await t.token('someone', { roles })}` };
      const response = await fetch(`${base}/admin/read-models/${route}`, { method, headers });
      const body = await response.text();
      return {
        status: response.status,
        code: response.status === 200 ? null : JSON.parse(body).errors[0].extensions.code,
      };
    };
    expect(await call('GET', 'verify')).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await call('GET', 'verify', [])).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await call('GET', 'verify', ['support'])).toEqual({ status: 200, code: null });
    expect(await call('POST', 'rebuild', ['auditor'])).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  test('no server at the URL, or no mode: a clear message and exit 2', async () => {
    const none = await replayCli({ ...t, url: 'http://127.0.0.1:1/graphql' }, '--verify');
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toContain('replay: no server answers at http://127.0.0.1:1');
    const usage = await replayCli(t);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give either --verify or --rebuild');
  });
});
