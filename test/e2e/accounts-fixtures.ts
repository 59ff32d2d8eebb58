import type { StoredEvent } from '../../src/eventstore/port';
import type { GraphQLResponse, TestApp } from '../support/app-harness';

/** Shared by the accounts-*.test.ts HTTP suites: GraphQL documents and small helpers. */

export type RoleInput = { role: string; virtualAccountId?: string | null };

export interface AddUserResultView {
  input: string;
  line: number | null;
  outcome: string;
  message: string | null;
  user: { profile: { userId: string }; directRoles: RoleView[] } | null;
}

export interface AddUsersPayloadView {
  dryRun: boolean;
  addedCount: number;
  results: AddUserResultView[];
}

export interface RoleView {
  role: string;
  virtualAccount: { id: string } | null;
}

export interface AccountView {
  id: string;
  name: string;
  domainIdentifier: string;
  virtualAccounts: Array<{ id: string; name: string; isDefault: boolean }>;
}

export const ACCOUNT_FIELDS = `id name domainIdentifier createdAt
  virtualAccounts { id name description isDefault createdAt }
  myRoles { role virtualAccount { id } viaGroup { id } }`;

export const CREATE_ACCOUNT = `mutation ($input: CreateSmartAccountInput!) {
  createSmartAccount(input: $input) { ${ACCOUNT_FIELDS} }
}`;

export const CREATE_VIRTUAL_ACCOUNT = `mutation ($input: CreateVirtualAccountInput!) {
  createVirtualAccount(input: $input) { id name description isDefault }
}`;

export const ADD_USERS = `mutation ($input: AddUsersInput!) {
  addUsers(input: $input) {
    dryRun addedCount
    results { input line outcome message user { profile { userId } directRoles { role virtualAccount { id } } } }
  }
}`;

export const SET_USER_ROLES = `mutation ($input: SetUserRolesInput!) {
  setUserRoles(input: $input) { profile { userId } directRoles { role virtualAccount { id } } }
}`;

export const REMOVE_USER = `mutation ($input: RemoveUserInput!) {
  removeUser(input: $input) { accountId userId removedFromGroups }
}`;

export const USERS_PAGE = `query ($id: ID!, $search: String, $first: Int, $after: String) {
  smartAccount(id: $id) {
    users(search: $search, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { profile { userId } } }
      nodes { profile { userId } }
    }
  }
}`;

export const USER = `query ($id: ID!, $userId: ID!) {
  smartAccount(id: $id) { user(userId: $userId) { profile { userId } directRoles { role virtualAccount { id } } } }
}`;

/** The data of a response that must have succeeded; fails with the errors otherwise. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors !== undefined || response.data === undefined || response.data === null) {
    throw new Error(`expected success, got ${JSON.stringify(response.errors ?? response.data)}`);
  }
  return response.data;
}

export const errorOf = (response: GraphQLResponse<unknown>) => {
  const [error] = response.errors ?? [];
  if (error === undefined) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  return { code: error.extensions?.code, field: error.extensions?.field, message: error.message };
};

export const accountRole = (role: string): RoleInput => ({ role, virtualAccountId: null });
export const vaRole = (role: string, virtualAccountId: string): RoleInput => ({ role, virtualAccountId });

/** Creates a Smart Account as `token`'s user; returns it with its Default Virtual Account's ID. */
export async function createAccount(
  t: TestApp,
  token: string,
  name: string,
  domainIdentifier: string,
): Promise<AccountView & { defaultVaId: string }> {
  const { createSmartAccount } = dataOf(
    await t.gql<{ createSmartAccount: AccountView }>(token, CREATE_ACCOUNT, {
      input: { name, domainIdentifier },
    }),
  );
  const defaultVa = createSmartAccount.virtualAccounts.find((va) => va.isDefault);
  if (!defaultVa) throw new Error('no Default Virtual Account');
  return { ...createSmartAccount, defaultVaId: defaultVa.id };
}

export async function createVirtualAccount(
  t: TestApp,
  token: string,
  accountId: string,
  name: string,
): Promise<string> {
  const { createVirtualAccount: va } = dataOf(
    await t.gql<{ createVirtualAccount: { id: string } }>(token, CREATE_VIRTUAL_ACCOUNT, {
      input: { accountId, name },
    }),
  );
  return va.id;
}

export function addUsers(
  t: TestApp,
  token: string | null,
  input: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<GraphQLResponse<{ addUsers: AddUsersPayloadView }>> {
  return t.gql<{ addUsers: AddUsersPayloadView }>(token, ADD_USERS, { input }, headers);
}

/** Adds already registered users; fails unless every one of them was ADDED. */
export async function addUsersOk(
  t: TestApp,
  token: string,
  accountId: string,
  users: string[],
  roles: RoleInput[],
): Promise<void> {
  const { addUsers: payload } = dataOf(await addUsers(t, token, { accountId, users, roles }));
  const notAdded = payload.results.filter((result) => result.outcome !== 'ADDED');
  if (notAdded.length > 0) throw new Error(`not added: ${JSON.stringify(notAdded)}`);
}

export async function signInAll(t: TestApp, userIds: readonly string[]): Promise<Record<string, string>> {
  const tokens = await Promise.all(userIds.map((id) => t.signIn(id)));
  return Object.fromEntries(userIds.map((id, index) => [id, tokens[index]]));
}

export async function eventCount(t: TestApp): Promise<number> {
  return (await t.allEvents()).length;
}

/** The events appended while `action` ran (nothing else may write meanwhile). */
export async function appendedDuring(t: TestApp, action: () => Promise<unknown>): Promise<StoredEvent[]> {
  const before = await eventCount(t);
  await action();
  return (await t.allEvents()).slice(before);
}

export const accountEvents = (events: readonly StoredEvent[], accountId: string): StoredEvent[] =>
  events.filter((event) => event.streamId === `account-${accountId}`);

/** Every page of `users`, following `endCursor`. */
export async function allUserIds(
  t: TestApp,
  token: string,
  accountId: string,
  options: { search?: string; first?: number } = {},
): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await usersPage(t, token, accountId, { ...options, after });
    ids.push(...page.nodes.map((node) => node.profile.userId));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

export interface UsersPageView {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: { profile: { userId: string } } }>;
  nodes: Array<{ profile: { userId: string } }>;
}

export async function usersPage(
  t: TestApp,
  token: string,
  accountId: string,
  variables: { search?: string; first?: number; after?: string | null },
): Promise<UsersPageView> {
  const data = dataOf(
    await t.gql<{ smartAccount: { users: UsersPageView } | null }>(token, USERS_PAGE, {
      id: accountId,
      ...variables,
    }),
  );
  if (data.smartAccount === null) throw new Error(`account ${accountId} not readable`);
  return data.smartAccount.users;
}
