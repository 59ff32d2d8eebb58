import type { TestApp } from '../support/app-harness';
import { dataOf } from './accounts-fixtures';

export const ROLE_FIELDS = 'role virtualAccount { name } viaGroup { name }';
const ENTRY_SCALARS = 'revision position eventId type occurredAt actorId supportCaseId summary subjectUserId';
export const ENTRY_FIELDS = `${ENTRY_SCALARS}
  accessChanges { userId before { ${ROLE_FIELDS} } after { ${ROLE_FIELDS} } }`;
/**
 * Entries with their access changes cost about 1,000 each under the query cost bound (a list
 * without `first` counts as 10, nested lists multiply): pages larger than this leave them out.
 */
export const FULL_ENTRIES_PER_PAGE = 15;

export interface RoleView {
  role: string;
  virtualAccount: { name: string } | null;
  viaGroup: { name: string } | null;
}

export interface AccessChangeView {
  userId: string;
  before: RoleView[];
  after: RoleView[];
}

/** `accessChanges` is absent from pages larger than FULL_ENTRIES_PER_PAGE. */
export interface EntryView {
  revision: number;
  position: string;
  eventId: string;
  type: string;
  occurredAt: string;
  actorId: string | null;
  supportCaseId: string | null;
  summary: string;
  subjectUserId: string | null;
  accessChanges: AccessChangeView[];
}

export interface HistoryPageView {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: EntryView }>;
}

const historyQuery = (
  fields: string,
) => `query ($id: ID!, $filter: HistoryFilter, $first: Int = ${FULL_ENTRIES_PER_PAGE}, $after: String) {
  smartAccount(id: $id) {
    history(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${fields} } }
    }
  }
}`;
export const HISTORY = historyQuery(ENTRY_FIELDS);
export const HISTORY_WITHOUT_CHANGES = historyQuery(ENTRY_SCALARS);

export const AS_OF = `query ($id: ID!, $at: DateTime, $revision: Int) {
  smartAccountAsOf(accountId: $id, at: $at, revision: $revision) {
    accountId asOf revision name domainIdentifier virtualAccounts { name }
    users { userId directRoles { ${ROLE_FIELDS} } effectiveRoles { ${ROLE_FIELDS} } groupIds }
    groups { id name memberIds virtualAccountAccess { virtualAccount { name } role } }
  }
}`;

export const DIFF = `query ($id: ID!, $from: DateTime!, $to: DateTime) {
  smartAccountDiff(accountId: $id, from: $from, to: $to) {
    accountId from to fromRevision toRevision
    changes { userId before { ${ROLE_FIELDS} } after { ${ROLE_FIELDS} } }
  }
}`;

export const REASONS = `query ($id: ID!, $userId: ID!) {
  smartAccount(id: $id) {
    user(userId: $userId) {
      accessReasons { role { ${ROLE_FIELDS} } path grantedBy { revision type summary } accessRequest { id status } }
    }
  }
}`;

/** "SMART_ACCOUNT_USER", "VIRTUAL_ACCOUNT_USER@Sales", "VIRTUAL_ACCOUNT_ADMIN@Sales via Eng" */
export const roleText = (role: RoleView): string =>
  `${role.role}${role.virtualAccount ? `@${role.virtualAccount.name}` : ''}${
    role.viaGroup ? ` via ${role.viaGroup.name}` : ''
  }`;

export const rolesText = (roles: readonly RoleView[]): string[] => roles.map(roleText).sort();

export async function historyPage(
  t: TestApp,
  token: string,
  accountId: string,
  variables: { filter?: Record<string, unknown>; first?: number; after?: string | null } = {},
): Promise<HistoryPageView> {
  const first = variables.first ?? FULL_ENTRIES_PER_PAGE;
  const query = first <= FULL_ENTRIES_PER_PAGE ? HISTORY : HISTORY_WITHOUT_CHANGES;
  const data = dataOf(
    await t.gql<{ smartAccount: { history: HistoryPageView } }>(token, query, {
      id: accountId,
      ...variables,
      first,
    }),
  );
  return data.smartAccount.history;
}

/** The newest entry of the account's history. */
export async function lastEntry(t: TestApp, token: string, accountId: string): Promise<EntryView> {
  const page = await historyPage(t, token, accountId, { filter: { newestFirst: true }, first: 1 });
  return page.edges[0].node;
}
