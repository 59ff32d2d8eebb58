import http from 'node:http';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '../support/app-harness';
import {
  SET_USER_ROLES,
  accountRole,
  addUsersOk,
  createAccount,
  dataOf,
  signInAll,
} from './accounts-fixtures';
import { historyPage } from './history-fixtures';

describe('history export: GET /accounts/{id}/history.csv and .ndjson', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let accountId: string;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    base = t.url.replace(/\/graphql$/, '');
    tokens = await signInAll(t, ['alice', 'bob', 'stranger']);
    tokens.audrey = await t.signIn('audrey', { roles: ['auditor'] });
    tokens.sam = await t.signIn('sam', { roles: ['support'] });
    accountId = (await createAccount(t, tokens.alice, 'Export', 'history-export.example')).id;
    await addUsersOk(t, tokens.alice, accountId, ['bob'], [accountRole('SMART_ACCOUNT_VIEWER')]);
    // A case ID a spreadsheet would read as a formula.
    dataOf(
      await t.gql(
        tokens.sam,
        SET_USER_ROLES,
        { input: { accountId, userId: 'bob', roles: [accountRole('SMART_ACCOUNT_USER')] } },
        { 'x-support-case': '-42' },
      ),
    );
  });
  afterAll(() => t.stop());

  const exportOf = (format: string, token: string | null, query = '', headers: Record<string, string> = {}) =>
    fetch(`${base}/accounts/${accountId}/history.${format}${query}`, {
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });

  it('CSV: a header and one row per event, in order, formula-like cells escaped', async () => {
    const response = await exportOf('csv', tokens.alice);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
    const history = await historyPage(t, tokens.alice, accountId, { first: 500 });
    expect(rows.map((row) => Number(row.revision))).toEqual(history.edges.map((edge) => edge.node.revision));
    expect(rows.map((row) => row.summary)).toEqual(history.edges.map((edge) => edge.node.summary));
    const bySupport = rows.find((row) => row.type === 'UserRolesChanged');
    expect(bySupport).toMatchObject({
      supportCaseId: "'-42",
      actorId: 'sam',
      subjectUserId: 'bob',
      accessChanges: 'bob: SMART_ACCOUNT_VIEWER -> SMART_ACCOUNT_USER',
    });
    expect(JSON.parse(bySupport?.data ?? '')).toMatchObject({ userId: 'bob' });
  });

  it('NDJSON: one entry per line, the same as the history query, filters applied', async () => {
    const response = await exportOf(
      'ndjson',
      tokens.audrey,
      '?types=UserAdded,UserRolesChanged&subjectUserId=bob&newestFirst=true',
    );
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.type)).toEqual(['UserRolesChanged', 'UserAdded']);
    expect(lines[0]).toMatchObject({
      supportCaseId: '-42',
      summary: "support (case -42) changed bob's roles from SMART_ACCOUNT_VIEWER to SMART_ACCOUNT_USER",
      accessChanges: [
        {
          userId: 'bob',
          before: [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null, viaGroupId: null }],
          after: [{ role: 'SMART_ACCOUNT_USER', virtualAccountId: null, viaGroupId: null }],
        },
      ],
    });
  });

  it.each([
    ['no token', null, '', 401, 'UNAUTHENTICATED'],
    ['a viewer', 'bob', '', 403, 'FORBIDDEN'],
    ['a stranger', 'stranger', '', 404, 'NOT_FOUND'],
    ['support without a case', 'sam', '', 404, 'NOT_FOUND'],
    ['an unknown parameter', 'alice', '?type=UserAdded', 400, 'BAD_USER_INPUT'],
    ['a bad moment', 'alice', '?from=yesterday', 400, 'BAD_USER_INPUT'],
  ])('%s: JSON error with the contract code', async (_label, user, query, status, code) => {
    const response = await exportOf('ndjson', user === null ? null : tokens[user], query);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/json/);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe(code);
  });

  it('support under a case may export', async () => {
    const response = await exportOf('csv', tokens.sam, '', { 'x-support-case': 'CS-1' });
    expect(response.status).toBe(200);
    await response.text();
  });

  it('a client that hangs up mid-export leaves the server serving', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = http.get(
        `${base}/accounts/${accountId}/history.ndjson`,
        { headers: { authorization: `Bearer ${tokens.alice}` } },
        (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNRESET' ? resolve() : reject(error),
      );
    });
    expect((await exportOf('csv', tokens.alice)).status).toBe(200);
  });
});
