import { codeOf, startTestApp, type TestApp } from '../support/app-harness';
import {
  accountRole,
  addUsers,
  addUsersOk,
  createAccount,
  dataOf,
  errorOf,
  signInAll,
  vaRole,
} from './accounts-fixtures';
import { AS_OF, DIFF, HISTORY, REASONS } from './history-fixtures';

/** Who may read history (contract: SMART_ACCOUNT_ADMIN, platform auditor, support under a case) and who may not. */
describe('history authorization over HTTP', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let accountId: string;
  const support = { 'x-support-case': 'CS-9' };

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['alice', 'vic', 'val', 'stranger']);
    tokens.audrey = await t.signIn('audrey', { roles: ['auditor'] });
    tokens.sam = await t.signIn('sam', { roles: ['support'] });
    const account = await createAccount(t, tokens.alice, 'Guarded', 'history-authz.example');
    accountId = account.id;
    await addUsersOk(t, tokens.alice, accountId, ['vic'], [accountRole('SMART_ACCOUNT_VIEWER')]);
    await addUsersOk(
      t,
      tokens.alice,
      accountId,
      ['val'],
      [vaRole('VIRTUAL_ACCOUNT_ADMIN', account.defaultVaId)],
    );
  });
  afterAll(() => t.stop());

  const operations: Array<
    [string, string, Record<string, unknown>, (data: Record<string, unknown>) => unknown]
  > = [
    ['history', HISTORY, {}, (data) => (data.smartAccount as { history: unknown }).history],
    ['smartAccountAsOf', AS_OF, {}, (data) => data.smartAccountAsOf],
    ['smartAccountDiff', DIFF, { from: '2020-01-01T00:00:00Z' }, (data) => data.smartAccountDiff],
    ['accessReasons', REASONS, { userId: 'vic' }, (data) => (data.smartAccount as { user: unknown }).user],
  ];
  const callers: Array<[string, string | null, Record<string, string>, string | null]> = [
    ['an account admin', 'alice', {}, null],
    ['a platform auditor', 'audrey', {}, null],
    ['support under a case', 'sam', support, null],
    ['a SMART_ACCOUNT_VIEWER', 'vic', {}, 'FORBIDDEN'],
    ['a VIRTUAL_ACCOUNT_ADMIN', 'val', {}, 'FORBIDDEN'],
    ['support without a case', 'sam', {}, 'NOT_FOUND'],
    ['a stranger', 'stranger', {}, 'NOT_FOUND'],
    ['an anonymous caller', null, {}, 'UNAUTHENTICATED'],
  ];

  describe.each(operations)('%s', (_name, query, variables, pick) => {
    it.each(callers)('%s', async (_label, user, headers, code) => {
      const response = await t.gql<Record<string, unknown>>(
        user === null ? null : tokens[user],
        query,
        { id: accountId, ...variables },
        headers,
      );
      if (code === null) {
        expect(pick(dataOf(response))).toBeTruthy();
        return;
      }
      // A field of an account the caller cannot see at all resolves like a missing account.
      if (code === 'NOT_FOUND' && response.errors === undefined) {
        expect(response.data?.smartAccount).toBeNull();
        return;
      }
      expect(codeOf(response)).toBe(code);
    });
  });

  it('an auditor changes nothing', async () => {
    const response = await addUsers(t, tokens.audrey, {
      accountId,
      users: ['stranger'],
      roles: [accountRole('SMART_ACCOUNT_USER')],
    });
    expect(codeOf(response)).toBe('FORBIDDEN');
  });

  it.each([
    ['both at and revision', { at: '2030-01-01T00:00:00Z', revision: 0 }, 'revision'],
    ['a revision past the end', { revision: 10_000 }, 'revision'],
    ['a negative revision', { revision: -1 }, 'revision'],
    ['a moment before the account existed', { at: '2000-01-01T00:00:00Z' }, 'at'],
  ])('smartAccountAsOf with %s is BAD_USER_INPUT', async (_label, variables, field) => {
    const response = await t.gql(tokens.alice, AS_OF, { id: accountId, ...variables });
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('smartAccountDiff with to before from is BAD_USER_INPUT; from before the account lists everyone as gained', async () => {
    const backwards = await t.gql(tokens.alice, DIFF, {
      id: accountId,
      from: '2030-01-01T00:00:00Z',
      to: '2020-01-01T00:00:00Z',
    });
    expect(errorOf(backwards)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const { smartAccountDiff: diff } = dataOf(
      await t.gql<{
        smartAccountDiff: { fromRevision: number; changes: Array<{ userId: string; before: unknown[] }> };
      }>(tokens.alice, DIFF, { id: accountId, from: '2020-01-01T00:00:00Z' }),
    );
    expect(diff.fromRevision).toBe(-1);
    expect(diff.changes.map((change) => [change.userId, change.before])).toEqual([
      ['alice', []],
      ['val', []],
      ['vic', []],
    ]);
  });
});
