import { randomUUID } from 'node:crypto';
import { sqliteFile } from '../../src/app/event-store';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { codeOf, startTestApp, type TestApp } from '../support/app-harness';
import { appendLongHistory, LONG_HISTORY_OPS, type WrittenEvent } from '../support/long-history';
import { tempDir } from '../support/temp';
import { accountRole, dataOf, errorOf } from './accounts-fixtures';
import { HISTORY_WITHOUT_CHANGES, historyPage, type HistoryPageView } from './history-fixtures';

const EVENTS = 5000;
// The generated users have no profiles: ask for nothing that needs one.
const SET_ROLES = `mutation ($input: SetUserRolesInput!) { setUserRoles(input: $input) { directRoles { role } } }`;

describe('history over 5,000 events: filters and cursors, both orders', () => {
  const temp = tempDir('saas-history-');
  const accountId = randomUUID();
  let written: WrittenEvent[];
  let t: TestApp;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    const store = openSqliteEventStore({ file: sqliteFile(temp.dir) });
    written = await appendLongHistory(store, { accountId, events: EVENTS });
    await store.close();
    t = await startTestApp({}, { dataDir: temp.dir });
    admin = await t.signIn('admin');
    auditor = await t.signIn('audrey', { roles: ['auditor'] });
  });
  afterAll(async () => {
    await t.stop();
    temp.remove();
  });

  /** Every page of the history with this filter, `size` at a time. */
  async function allPages(filter: Record<string, unknown>, size: number): Promise<HistoryPageView[]> {
    const pages: HistoryPageView[] = [];
    let after: string | null = null;
    do {
      const page: HistoryPageView = await historyPage(t, auditor, accountId, { filter, first: size, after });
      pages.push(page);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after !== null);
    return pages;
  }

  const revisionsOf = (pages: HistoryPageView[]) =>
    pages.flatMap((page) => page.edges.map((edge) => edge.node.revision));
  const expected = (keep: (event: WrittenEvent) => boolean) =>
    written.flatMap((event, revision) => (keep(event) ? [revision] : []));

  it.each([false, true])(
    'pages through every event with no overlap and no gap (newestFirst: %s)',
    async (newestFirst) => {
      const pages = await allPages({ newestFirst }, 500);
      const all = expected(() => true);
      expect(revisionsOf(pages)).toEqual(newestFirst ? [...all].reverse() : all);
      expect(pages.every((page) => page.totalCount === EVENTS)).toBe(true);
      expect(pages).toHaveLength(10);
    },
  );

  // Page sizes that do not divide the counts, so the last page is a partial one.
  const filters: Array<[string, Record<string, unknown>, (event: WrittenEvent) => boolean, number]> = [
    [
      'types',
      { types: ['GroupMembersAdded', 'GroupAccessChanged'] },
      (e) => ['GroupMembersAdded', 'GroupAccessChanged'].includes(e.type),
      373,
    ],
    ['actor', { actorId: LONG_HISTORY_OPS }, (e) => e.actorId === LONG_HISTORY_OPS, 333],
    ['subject user', { subjectUserId: 'user-00007' }, (e) => e.subjects.includes('user-00007'), 7],
    [
      'time range',
      { from: '2025-01-01T00:10:00Z', to: '2025-01-01T00:20:00Z' },
      (e) => e.occurredAt >= '2025-01-01T00:10:00.000Z' && e.occurredAt <= '2025-01-01T00:20:00.000Z',
      37,
    ],
    [
      'all at once',
      {
        types: ['UserRolesChanged'],
        actorId: 'admin',
        subjectUserId: 'user-00004',
        from: '2025-01-01T00:00:00Z',
      },
      (e) => e.type === 'UserRolesChanged' && e.actorId === 'admin' && e.subjects.includes('user-00004'),
      3,
    ],
  ];

  describe.each(filters)('filter by %s', (_name, filter, keep, size) => {
    it.each([false, true])('newestFirst: %s', async (newestFirst) => {
      const pages = await allPages({ ...filter, newestFirst }, size);
      const want = expected(keep);
      expect(want.length).toBeGreaterThan(0);
      expect(revisionsOf(pages)).toEqual(newestFirst ? [...want].reverse() : want);
      expect(pages[0].totalCount).toBe(want.length);
    });
  });

  it('entries of a page carry summaries and access changes worked out from the replay', async () => {
    const page = await historyPage(t, admin, accountId, {
      filter: { subjectUserId: 'user-00000' },
      first: 3,
    });
    const actor = (index: number) => written[page.edges[index].node.revision].actorId;
    expect(page.edges.map((edge) => edge.node.summary)).toEqual([
      `${actor(0)} added user-00000 with SMART_ACCOUNT_VIEWER`,
      `${actor(1)} changed user-00000's roles from SMART_ACCOUNT_VIEWER to SMART_ACCOUNT_USER`,
      `${actor(2)} added user-00000 to group "Group 0"`,
    ]);
    expect(page.edges[1].node.accessChanges).toEqual([
      {
        userId: 'user-00000',
        before: [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null, viaGroup: null }],
        after: [{ role: 'SMART_ACCOUNT_USER', virtualAccount: null, viaGroup: null }],
      },
    ]);
  });

  it('events appended while a client pages oldest first show up at the end, with nothing skipped or repeated', async () => {
    const first = await historyPage(t, admin, accountId, { first: 500 });
    const change = await t.gql(admin, SET_ROLES, {
      input: { accountId, userId: 'user-00001', roles: [accountRole('SMART_ACCOUNT_APPROVER')] },
    });
    dataOf(change);
    const rest = await allPagesFrom(first.pageInfo.endCursor);
    expect([...revisionsOf([first]), ...rest]).toEqual(Array.from({ length: EVENTS + 1 }, (_, i) => i));
  });

  async function allPagesFrom(after: string | null): Promise<number[]> {
    const revisions: number[] = [];
    while (after !== null) {
      const page: HistoryPageView = await historyPage(t, admin, accountId, { first: 500, after });
      revisions.push(...page.edges.map((edge) => edge.node.revision));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    return revisions;
  }

  it.each([
    ['an unknown event type', { filter: { types: ['UserHacked'] } }, 'filter.types'],
    ['to before from', { filter: { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } }, 'filter.to'],
    ['first over 500', { first: 501 }, 'first'],
    ['a cursor from elsewhere', { after: 'not-a-cursor' }, 'after'],
  ])('%s is BAD_USER_INPUT on its field', async (_name, variables, field) => {
    const response = await t.gql(admin, HISTORY_WITHOUT_CHANGES, { id: accountId, ...variables });
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('a bad date-time is BAD_USER_INPUT', async () => {
    expect(
      codeOf(await t.gql(admin, HISTORY_WITHOUT_CHANGES, { id: accountId, filter: { from: 'yesterday' } })),
    ).toBe('BAD_USER_INPUT');
  });
});
