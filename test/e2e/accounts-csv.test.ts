import { SYSTEM_ACTOR } from '../../src/domain/decider';
import { profileDecider, profileStreamId } from '../../src/domain/profile/decider';
import { startTestApp, type TestApp } from '../support/app-harness';
import {
  accountEvents,
  accountRole,
  addUsers,
  addUsersOk,
  allUserIds,
  appendedDuring,
  createAccount,
  dataOf,
  errorOf,
  eventCount,
  signInAll,
} from './accounts-fixtures';

const ROLES = [accountRole('SMART_ACCOUNT_VIEWER')];

describe('addUsers with a CSV file, over HTTP', () => {
  let t: TestApp;
  let admin: string;

  const deactivate = async (userId: string) => {
    await t.app.runner.execute(profileDecider, profileStreamId(userId), {
      type: 'SetProfileActive',
      data: { userId, active: false },
      metadata: { actor: SYSTEM_ACTOR, at: new Date().toISOString() },
    });
  };

  const outcomes = (results: Array<{ input: string; line: number | null; outcome: string }>) =>
    results.map(({ input, line, outcome }) => ({ input, line, outcome }));

  beforeAll(async () => {
    t = await startTestApp();
    const tokens = await signInAll(t, [
      'csv-admin',
      'csv-ann',
      'csv-bob',
      'csv-carol',
      'csv-dave',
      'csv-erin',
      'csv-frank',
      'csv-gina',
      'csv-inactive',
      'csv-member',
    ]);
    admin = tokens['csv-admin'];
    await deactivate('csv-inactive');
  });
  afterAll(() => t.stop());

  test('BOM, header, `;`, CRLF, blank lines, duplicates, unknown and inactive users: every entry in input order', async () => {
    const account = await createAccount(t, admin, 'CSV One', 'csv-one.example');
    await addUsersOk(t, admin, account.id, ['csv-member'], ROLES);
    const csv = [
      '\uFEFFEmail;Name', // 1: header
      '', // 2
      'csv-ann@example.com;Ann', // 3
      ' ; ', // 4: nothing but empty cells
      '"csv-bob";"Bob; the builder"', // 5: quoted cells, a quoted delimiter
      '', // 6
      'CSV-ANN@EXAMPLE.COM;the same Ann', // 7
      'csv-ann', // 8: the same Ann by user ID
      'csv-ghost@example.com', // 9
      'csv-nobody', // 10
      'csv-inactive', // 11
      'csv-inactive@example.com', // 12
      'not an email@', // 13
      '"csv-member"', // 14
      '   ', // 15
      '', // 16
    ].join('\r\n');
    let results: Array<{ input: string; line: number | null; outcome: string; user: unknown }> = [];
    const appended = await appendedDuring(t, async () => {
      const { addUsers: payload } = dataOf(
        await addUsers(t, admin, { accountId: account.id, csv, roles: ROLES }),
      );
      expect(payload.addedCount).toBe(2);
      results = payload.results;
    });
    expect(outcomes(results)).toEqual([
      { input: 'csv-ann@example.com', line: 3, outcome: 'ADDED' },
      { input: 'csv-bob', line: 5, outcome: 'ADDED' },
      { input: 'CSV-ANN@EXAMPLE.COM', line: 7, outcome: 'DUPLICATE_IN_BATCH' },
      { input: 'csv-ann', line: 8, outcome: 'DUPLICATE_IN_BATCH' },
      { input: 'csv-ghost@example.com', line: 9, outcome: 'NOT_FOUND' },
      { input: 'csv-nobody', line: 10, outcome: 'NOT_FOUND' },
      { input: 'csv-inactive', line: 11, outcome: 'NOT_FOUND' },
      { input: 'csv-inactive@example.com', line: 12, outcome: 'NOT_FOUND' },
      { input: 'not an email@', line: 13, outcome: 'INVALID' },
      { input: 'csv-member', line: 14, outcome: 'ALREADY_MEMBER' },
    ]);
    expect(results[0].user).toMatchObject({ profile: { userId: 'csv-ann' } });
    expect(results[1].user).toMatchObject({ profile: { userId: 'csv-bob' } });
    expect(results.slice(2, 9).map((r) => r.user)).toEqual(Array(7).fill(null));
    expect(appended.filter((e) => e.type === 'UserAdded').map((e) => e.data.userId)).toEqual([
      'csv-ann',
      'csv-bob',
    ]);
    expect(await allUserIds(t, admin, account.id)).toEqual(['csv-admin', 'csv-member', 'csv-ann', 'csv-bob']);
  });

  test('`,` with quoted commas, LF, no header, a quoted line break; lines are those of the file', async () => {
    const account = await createAccount(t, admin, 'CSV Two', 'csv-two.example');
    const csv =
      '"csv-carol@example.com","Smith, Carol"\n' + // 1
      'csv-dave,"Dave, Jr."\n' + // 2
      '\n' + // 3
      'csv-frank,"a note\n' + // 4
      'over two lines"\n' + // 5
      '"csv-carol"\n' + // 6
      'csv-gina\n' + // 7
      '"csv,odd"\n'; // 8: a quoted comma inside the first cell: not a user ID
    const { addUsers: payload } = dataOf(
      await addUsers(t, admin, { accountId: account.id, csv, roles: ROLES }),
    );
    expect(outcomes(payload.results)).toEqual([
      { input: 'csv-carol@example.com', line: 1, outcome: 'ADDED' },
      { input: 'csv-dave', line: 2, outcome: 'ADDED' },
      { input: 'csv-frank', line: 4, outcome: 'ADDED' },
      { input: 'csv-carol', line: 6, outcome: 'DUPLICATE_IN_BATCH' },
      { input: 'csv-gina', line: 7, outcome: 'ADDED' },
      { input: 'csv,odd', line: 8, outcome: 'INVALID' },
    ]);
    expect(await allUserIds(t, admin, account.id)).toEqual([
      'csv-admin',
      'csv-carol',
      'csv-dave',
      'csv-frank',
      'csv-gina',
    ]);
  });

  test('a dry run of a CSV reports WOULD_ADD with lines and appends nothing', async () => {
    const account = await createAccount(t, admin, 'CSV Dry', 'csv-dry.example');
    const csv = 'user id\r\ncsv-erin\r\ncsv-erin@example.com\r\ncsv-unknown\r\n';
    const appended = await appendedDuring(t, async () => {
      const { addUsers: payload } = dataOf(
        await addUsers(t, admin, { accountId: account.id, csv, roles: ROLES, dryRun: true }),
      );
      expect(payload).toMatchObject({ dryRun: true, addedCount: 0 });
      expect(outcomes(payload.results)).toEqual([
        { input: 'csv-erin', line: 2, outcome: 'WOULD_ADD' },
        { input: 'csv-erin@example.com', line: 3, outcome: 'DUPLICATE_IN_BATCH' },
        { input: 'csv-unknown', line: 4, outcome: 'NOT_FOUND' },
      ]);
    });
    expect(appended).toEqual([]);
  });

  test('10,000 entries are accepted; 10,001 are BAD_USER_INPUT on csv, and nothing is appended', async () => {
    const account = await createAccount(t, admin, 'CSV Big', 'csv-big.example');
    const rows = (count: number) => Array.from({ length: count }, (_, i) => `csv-bulk-${i}`);
    const before = await eventCount(t);

    const atLimit = ['email', ...rows(9_999), 'csv-erin'].join('\n');
    const { addUsers: payload } = dataOf(
      await addUsers(t, admin, { accountId: account.id, csv: atLimit, roles: ROLES, dryRun: true }),
    );
    expect(payload.results).toHaveLength(10_000);
    expect(payload.results[9_999]).toMatchObject({ input: 'csv-erin', line: 10_001, outcome: 'WOULD_ADD' });

    // The 10,001st entry is a real, addable user: the whole file is still refused.
    const overLimit = [...rows(10_000), 'csv-erin'].join('\n');
    const refused = await addUsers(t, admin, { accountId: account.id, csv: overLimit, roles: ROLES });
    expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv' });
    expect(await eventCount(t)).toBe(before);
    expect(await allUserIds(t, admin, account.id)).toEqual(['csv-admin']);
  });

  test('a 6 MB text is BAD_USER_INPUT on csv and appends nothing; a 4.9 MB one is read', async () => {
    const account = await createAccount(t, admin, 'CSV Huge', 'csv-huge.example');
    const padded = (bytes: number) => {
      const filler = 'x'.repeat(5_000);
      const lines = ['csv-erin,first'];
      let size = lines[0].length;
      while (size < bytes) {
        const line = `csv-nobody,${filler}`;
        lines.push(line);
        size += line.length + 1;
      }
      return lines.join('\n');
    };
    const before = await eventCount(t);
    const huge = padded(6 * 1024 * 1024);
    expect(Buffer.byteLength(huge)).toBeGreaterThanOrEqual(6 * 1024 * 1024);
    const refused = await addUsers(t, admin, { accountId: account.id, csv: huge, roles: ROLES });
    expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv' });
    expect(await eventCount(t)).toBe(before);

    const large = padded(4_900_000);
    expect(Buffer.byteLength(large)).toBeLessThan(5_000_000);
    const { addUsers: payload } = dataOf(
      await addUsers(t, admin, { accountId: account.id, csv: large, roles: ROLES }),
    );
    expect(payload.results[0]).toMatchObject({ input: 'csv-erin', line: 1, outcome: 'ADDED' });
    expect(
      payload.results.slice(1).every((r) => r.outcome === 'NOT_FOUND' || r.outcome === 'DUPLICATE_IN_BATCH'),
    ).toBe(true);
    expect(payload.addedCount).toBe(1);
  });

  test('a CSV without entries, or a CSV together with a list, is BAD_USER_INPUT and appends nothing', async () => {
    const account = await createAccount(t, admin, 'CSV Empty', 'csv-empty.example');
    const before = await eventCount(t);
    for (const csv of ['', '\uFEFF', 'email\r\n', '\r\n\r\n', ';;\n']) {
      const response = await addUsers(t, admin, { accountId: account.id, csv, roles: ROLES });
      expect({ csv, error: errorOf(response) }).toMatchObject({
        csv,
        error: { code: 'BAD_USER_INPUT', field: 'csv' },
      });
    }
    const both = await addUsers(t, admin, {
      accountId: account.id,
      csv: 'csv-erin',
      users: ['csv-erin'],
      roles: ROLES,
    });
    expect(errorOf(both).code).toBe('BAD_USER_INPUT');
    expect(await eventCount(t)).toBe(before);
  });

  test('each added user gets one UserAdded event in the account stream, in file order', async () => {
    const account = await createAccount(t, admin, 'CSV Order', 'csv-order.example');
    const csv = 'csv-gina\ncsv-frank\ncsv-erin\n';
    dataOf(await addUsers(t, admin, { accountId: account.id, csv, roles: ROLES }));
    const added = accountEvents(await t.allEvents(), account.id).filter((e) => e.type === 'UserAdded');
    expect(added.map((e) => e.data.userId)).toEqual(['csv-admin', 'csv-gina', 'csv-frank', 'csv-erin']);
  });
});
