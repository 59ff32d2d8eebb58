import { accessRequestTopics } from '../../projections/access-requests';
import type { Client } from 'graphql-ws';
import type { JsonValue } from '../../src/eventstore/port';
import type { GraphQLResponse, TestApp } from '../support/app-harness';
import { waitUntil } from '../support/temp';
import { dataOf, type RoleInput } from './accounts-fixtures';

/** Shared by the access-*.test.ts suites: GraphQL documents and helpers for access requests. */

export interface RequestView {
  id: string;
  lookupId: string;
  kind: 'USER' | 'GROUP';
  status: 'PENDING' | 'APPROVED' | 'DECLINED' | 'CANCELLED';
  reason: string;
  requester: { userId: string };
  requestingGroupId: string | null;
  requestingAccountId: string | null;
  accountId: string;
  accountName: string;
  domainIdentifier: string;
  remindersSent: number;
  lastReminderAt: string | null;
  nextReminderAllowedAt: string | null;
  decidedBy: string | null;
  decisionMessage: string | null;
  grantedRoles: Array<{ role: string; virtualAccount: { id: string } | null }>;
}

export const REQUEST_FIELDS = `id lookupId kind status reason requester { userId }
  requestingGroupId requestingAccountId accountId accountName domainIdentifier
  remindersSent lastReminderAt nextReminderAllowedAt decidedBy decisionMessage
  grantedRoles { role virtualAccount { id } }`;

export const REQUEST_ACCESS = `mutation ($input: RequestAccessInput!) {
  requestAccess(input: $input) { ${REQUEST_FIELDS} }
}`;

export const REQUEST_GROUP_ACCESS = `mutation ($input: RequestGroupAccessInput!) {
  requestGroupAccess(input: $input) { ${REQUEST_FIELDS} }
}`;

export const REMIND = `mutation ($id: ID!) { sendAccessRequestReminder(requestId: $id) { ${REQUEST_FIELDS} } }`;
export const CANCEL = `mutation ($id: ID!) { cancelAccessRequest(requestId: $id) { ${REQUEST_FIELDS} } }`;

export const APPROVE = `mutation ($input: ApproveAccessRequestInput!) {
  approveAccessRequest(input: $input) { ${REQUEST_FIELDS} }
}`;

export const DECLINE = `mutation ($input: DeclineAccessRequestInput!) {
  declineAccessRequest(input: $input) { ${REQUEST_FIELDS} }
}`;

export const GRANT_FIELDS = `groupId groupName fromAccountId fromAccountName toAccountId toAccountName
  access { virtualAccount { id } role } grantedBy`;

export interface GrantView {
  groupId: string;
  groupName: string;
  fromAccountId: string;
  fromAccountName: string;
  toAccountId: string;
  toAccountName: string;
  access: Array<{ virtualAccount: { id: string }; role: string }>;
  grantedBy: string;
}

export const GRANT = `mutation ($input: GrantExternalGroupAccessInput!) {
  grantExternalGroupAccess(input: $input) { ${GRANT_FIELDS} }
}`;

export const REVOKE = `mutation ($input: RevokeExternalGroupAccessInput!) { revokeExternalGroupAccess(input: $input) }`;

export const MY_REQUESTS = `query ($status: AccessRequestStatus) {
  myAccessRequests(status: $status) { totalCount nodes { ${REQUEST_FIELDS} } }
}`;

export const ACCESS_REQUEST = `query ($id: ID!) { accessRequest(id: $id) { ${REQUEST_FIELDS} } }`;

export const ACCOUNT_REQUESTS = `query ($id: ID!, $status: AccessRequestStatus) {
  smartAccount(id: $id) { accessRequests(status: $status) { totalCount nodes { ${REQUEST_FIELDS} } } }
}`;

export const MY_ROLES = `query ($id: ID!) {
  smartAccount(id: $id) { id myRoles { role virtualAccount { id } viaGroup { id name } } }
}`;

export interface MyRolesView {
  smartAccount: {
    id: string;
    myRoles: Array<{ role: string; virtualAccount: { id: string } | null; viaGroup: { id: string } | null }>;
  } | null;
}

export const CREATE_GROUP = `mutation ($input: CreateUserGroupInput!) { createUserGroup(input: $input) { id name } }`;
export const EDIT_MEMBERS = `mutation ($input: EditUserGroupMembersInput!) {
  editUserGroupMembers(input: $input) { id memberCount }
}`;
export const DELETE_GROUP = `mutation ($input: DeleteUserGroupInput!) { deleteUserGroup(input: $input) }`;

/** Files a request (as `token`'s user) for the account with `domainIdentifier`; fails unless it succeeded. */
export async function requestAccessOk(
  t: TestApp,
  token: string,
  domainIdentifier: string,
  reason = 'I need to see the licenses',
): Promise<RequestView> {
  return dataOf(
    await t.gql<{ requestAccess: RequestView }>(token, REQUEST_ACCESS, {
      input: { domainIdentifier, reason },
    }),
  ).requestAccess;
}

export function approve(
  t: TestApp,
  token: string,
  requestId: string,
  roles: RoleInput[] | null,
  message?: string,
): Promise<GraphQLResponse<{ approveAccessRequest: RequestView }>> {
  return t.gql<{ approveAccessRequest: RequestView }>(token, APPROVE, {
    input: { requestId, roles, message },
  });
}

export function decline(
  t: TestApp,
  token: string,
  requestId: string,
  message?: string,
): Promise<GraphQLResponse<{ declineAccessRequest: RequestView }>> {
  return t.gql<{ declineAccessRequest: RequestView }>(token, DECLINE, { input: { requestId, message } });
}

/** The caller's roles in the account, or null when they may not read it. */
export async function myRoles(
  t: TestApp,
  token: string,
  accountId: string,
): Promise<NonNullable<MyRolesView['smartAccount']>['myRoles'] | null> {
  return dataOf(await t.gql<MyRolesView>(token, MY_ROLES, { id: accountId })).smartAccount?.myRoles ?? null;
}

export async function myRequests(
  t: TestApp,
  token: string,
  status?: RequestView['status'],
): Promise<RequestView[]> {
  return dataOf(await t.gql<{ myAccessRequests: { nodes: RequestView[] } }>(token, MY_REQUESTS, { status }))
    .myAccessRequests.nodes;
}

export async function createGroup(
  t: TestApp,
  token: string,
  input: {
    accountId: string;
    name: string;
    memberUserIds?: string[];
    virtualAccountAccess?: Array<{ virtualAccountId: string; role: string }>;
  },
): Promise<string> {
  return dataOf(await t.gql<{ createUserGroup: { id: string } }>(token, CREATE_GROUP, { input }))
    .createUserGroup.id;
}

/**
 * Counts the server's live-update listeners per topic: a listener is counted once the
 * subscription started reading from the topic, so an update published after that reaches it.
 * (graphql-ws has no acknowledgement of a subscription; this lets a test wait for it.)
 */
export class LiveListeners {
  private readonly counts = new Map<string, number>();

  constructor(t: TestApp) {
    const live = t.app.live;
    const subscribe = live.subscribe.bind(live);
    live.subscribe = (topic: string): AsyncIterable<JsonValue> => {
      const source = subscribe(topic);
      const change = (delta: number) => this.counts.set(topic, this.count(topic) + delta);
      return {
        [Symbol.asyncIterator]: () => {
          const iterator = source[Symbol.asyncIterator]();
          let listening = false;
          const stop = () => {
            if (listening) change(-1);
            listening = false;
          };
          return {
            next: () => {
              const result = iterator.next();
              if (!listening) change(+1);
              listening = true;
              return result;
            },
            return: (value?: unknown) => {
              stop();
              return iterator.return?.(value) ?? Promise.resolve({ done: true, value: undefined });
            },
            throw: (error?: unknown) => {
              stop();
              return iterator.throw?.(error) ?? Promise.reject(error);
            },
          };
        },
      };
    };
  }

  count(topic: string): number {
    return this.counts.get(topic) ?? 0;
  }

  /** Waits (bounded) until at least `atLeast` subscriptions listen on `topic`. */
  async until(topic: string, atLeast = 1): Promise<void> {
    await waitUntil(() => this.count(topic) >= atLeast, 5000);
  }
}

export const {
  request: requestTopic,
  requester: requesterTopic,
  account: accountRequestsTopic,
} = accessRequestTopics;

export type GraphQLErrorView = { message: string; extensions?: Record<string, unknown> };

/** One subscription's deliveries, as they arrive. */
export class Feed<T> {
  readonly items: T[] = [];
  errors: GraphQLErrorView[] | null = null;
  /** A non-GraphQL failure (e.g. the socket closed). */
  failure: unknown = null;
  completed = false;
  private readonly unsubscribe: () => void;

  constructor(client: Client, query: string, field: string, variables: Record<string, unknown> = {}) {
    this.unsubscribe = client.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) this.errors = [...(this.errors ?? []), ...(result.errors as GraphQLErrorView[])];
          const value = result.data?.[field];
          if (value !== undefined && value !== null) this.items.push(value);
        },
        error: (error: unknown) => {
          if (Array.isArray(error)) this.errors = error as GraphQLErrorView[];
          else this.failure = error;
        },
        complete: () => {
          this.completed = true;
        },
      },
    );
  }

  /** Waits (bounded) until `count` items arrived; returns them. */
  async waitFor(count: number, timeoutMs = 5000): Promise<T[]> {
    try {
      await waitUntil(() => this.items.length >= count || this.ended(), timeoutMs);
    } catch {
      // Reported below with what did arrive.
    }
    if (this.items.length < count) {
      throw new Error(
        `expected ${count} deliveries within ${timeoutMs} ms, got ${JSON.stringify(this.items)}` +
          (this.ended() ? `; ended with ${JSON.stringify(this.errors ?? this.failure)}` : ''),
      );
    }
    return this.items;
  }

  /** Waits (bounded) until the subscription ended with an error or completed. */
  async waitForEnd(timeoutMs = 5000): Promise<void> {
    await waitUntil(() => this.ended(), timeoutMs);
  }

  ended(): boolean {
    return this.completed || this.errors !== null || this.failure !== null;
  }

  stop(): void {
    this.unsubscribe();
  }
}

/** Waits `ms`: for checking that nothing (more) arrives after an event that would have reached us by then. */
export const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
