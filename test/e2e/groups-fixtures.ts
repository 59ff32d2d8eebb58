import { profileDecider, profileStreamId } from '../../src/domain/profile/decider';
import type { GraphQLResponse, TestApp } from '../support/app-harness';
import { dataOf } from './accounts-fixtures';

/** Shared by the groups-*.test.ts HTTP suites: GraphQL documents and small helpers for user groups. */

export type AccessInput = { virtualAccountId: string; role: string };

export interface GroupView {
  id: string;
  name: string;
  description: string | null;
  memberCount: number;
  createdAt: string;
  virtualAccountAccess: Array<{ virtualAccount: { id: string }; role: string }>;
  members: { totalCount: number; nodes: Array<{ profile: { userId: string } }> };
}

export const GROUP_FIELDS = `id name description memberCount createdAt
  virtualAccountAccess { virtualAccount { id } role }
  members(first: 500) { totalCount nodes { profile { userId } } }`;

export const CREATE_GROUP = `mutation ($input: CreateUserGroupInput!) {
  createUserGroup(input: $input) { ${GROUP_FIELDS} }
}`;

export const UPDATE_GROUP = `mutation ($input: UpdateUserGroupInput!) {
  updateUserGroup(input: $input) { ${GROUP_FIELDS} }
}`;

export const EDIT_MEMBERS = `mutation ($input: EditUserGroupMembersInput!) {
  editUserGroupMembers(input: $input) { ${GROUP_FIELDS} }
}`;

export const SET_ACCESS = `mutation ($input: SetUserGroupAccessInput!) {
  setUserGroupAccess(input: $input) { ${GROUP_FIELDS} }
}`;

export const DELETE_GROUP = `mutation ($input: DeleteUserGroupInput!) { deleteUserGroup(input: $input) }`;

export const SEND_MESSAGE = `mutation ($input: SendGroupMessageInput!) {
  sendGroupMessage(input: $input) { messageId groupId recipientCount sentAt }
}`;

export const GROUP = `query ($id: ID!, $groupId: ID!) {
  smartAccount(id: $id) { group(id: $groupId) { ${GROUP_FIELDS} } }
}`;

export const GROUPS_PAGE = `query ($id: ID!, $search: String, $first: Int, $after: String) {
  smartAccount(id: $id) {
    groups(search: $search, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id name } }
      nodes { id name }
    }
  }
}`;

export const MEMBERS_PAGE = `query ($id: ID!, $groupId: ID!, $first: Int, $after: String) {
  smartAccount(id: $id) {
    group(id: $groupId) {
      memberCount
      members(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { profile { userId } } }
        nodes { profile { userId } }
      }
    }
  }
}`;

export const access = (virtualAccountId: string, role: string): AccessInput => ({ virtualAccountId, role });

export const memberIdsOf = (group: Pick<GroupView, 'members'>): string[] =>
  group.members.nodes.map((node) => node.profile.userId);

export function createGroup(
  t: TestApp,
  token: string | null,
  input: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<GraphQLResponse<{ createUserGroup: GroupView }>> {
  return t.gql<{ createUserGroup: GroupView }>(token, CREATE_GROUP, { input }, headers);
}

/** Creates a group that must succeed; returns it. */
export async function createGroupOk(
  t: TestApp,
  token: string,
  accountId: string,
  name: string,
  options: { memberUserIds?: string[]; virtualAccountAccess?: AccessInput[]; description?: string } = {},
): Promise<GroupView> {
  return dataOf(await createGroup(t, token, { accountId, name, ...options })).createUserGroup;
}

/** The group as `token`'s user reads it (null: no such group). */
export async function readGroup(
  t: TestApp,
  token: string,
  accountId: string,
  groupId: string,
): Promise<GroupView | null> {
  const data = dataOf(
    await t.gql<{ smartAccount: { group: GroupView | null } | null }>(token, GROUP, {
      id: accountId,
      groupId,
    }),
  );
  if (data.smartAccount === null) throw new Error(`account ${accountId} not readable`);
  return data.smartAccount.group;
}

/**
 * Registers profiles straight through the command side (as a first sign-in would), in chunks,
 * without an HTTP round trip each: for suites that need many users.
 */
export async function registerProfiles(t: TestApp, userIds: readonly string[], chunk = 50): Promise<void> {
  const { runner, clock } = t.app;
  for (let start = 0; start < userIds.length; start += chunk) {
    await Promise.all(
      userIds.slice(start, start + chunk).map((userId) =>
        runner.execute(profileDecider, profileStreamId(userId), {
          type: 'SyncProfileFromToken',
          data: { userId, claims: { email: `${userId}@example.com`, name: userId, company: null } },
          metadata: {
            actor: { userId, platformRoles: [], supportCaseId: null },
            at: clock().toISOString(),
          },
        }),
      ),
    );
  }
}
