import type { AccountEvent, GroupAccess } from '../src/domain/account/events';
import type { RoleAssignment } from '../src/domain/account/roles';
import type { StoredEvent } from '../src/eventstore/port';
import type { ReadModelReader } from '../src/readmodel/port';
import type { ProjectionTx } from '../src/readmodel/projection';
import { keptPairKeys } from './kept-keys';
import { pagedSearch, type PagedIds } from './paged-search';
import { profileKey, type ProfileDoc } from './profiles';
import { searchWords, wordEntry } from './search-words';

export type VirtualAccountDoc = {
  id: string;
  name: string;
  description: string | null;
  isDefault: boolean;
  createdAt: string;
};

export type AccountDoc = {
  id: string;
  name: string;
  domainIdentifier: string;
  createdAt: string;
  virtualAccounts: VirtualAccountDoc[];
  /** Sequence numbers give users and groups a stable order (and stable cursors). */
  userSeq: number;
  groupSeq: number;
};

export type AccountUserDoc = {
  accountId: string;
  userId: string;
  directRoles: RoleAssignment[];
  groupIds: string[];
  addedAt: string;
  addedBy: string | null;
  seq: number;
  words: string[];
};

export type GroupDoc = {
  accountId: string;
  id: string;
  name: string;
  description: string | null;
  memberIds: string[];
  access: GroupAccess[];
  createdAt: string;
  seq: number;
  words: string[];
};

export const accountKey = (accountId: string): string => `account:${accountId}`;
const accountByDomainKey = (domain: string): string => `account-domain:${domain.toLowerCase()}`;
const accountUserKey = (accountId: string, userId: string): string => `account-user:${accountId}:${userId}`;
/** The same keys, kept for reads (see `keptPairKeys`). */
const readAccountUserKey = keptPairKeys(accountUserKey);
/** Sorted set: user IDs by seq. */
const accountUsersKey = (accountId: string): string => `account-users:${accountId}`;
/** Lexical set of `wordEntry(word, seq, userId)`. */
const accountUserWordsKey = (accountId: string): string => `account-user-words:${accountId}`;
const groupKey = (accountId: string, groupId: string): string => `account-group:${accountId}:${groupId}`;
const accountGroupsKey = (accountId: string): string => `account-groups:${accountId}`;
const accountGroupWordsKey = (accountId: string): string => `account-group-words:${accountId}`;
/** JSON list of the account IDs a user belongs to. */
const userAccountsKey = (userId: string): string => `user-accounts:${userId}`;

export const ACCOUNT_KEY_PREFIXES = [
  'account:',
  'account-domain:',
  'account-user:',
  'account-users:',
  'account-user-words:',
  'account-group:',
  'account-groups:',
  'account-group-words:',
  'user-accounts:',
];

async function required<T extends AccountDoc | AccountUserDoc | GroupDoc>(
  tx: ProjectionTx,
  key: string,
): Promise<T> {
  const doc = await tx.get<T>(key);
  if (!doc) throw new Error(`read model is missing ${key}`);
  return doc;
}

function indexWords(
  tx: ProjectionTx,
  setKey: string,
  words: string[],
  seq: number,
  id: string,
  add: boolean,
): void {
  for (const word of words) {
    if (add) tx.sortedAdd(setKey, wordEntry(word, seq, id), 0);
    else tx.sortedRemove(setKey, wordEntry(word, seq, id));
  }
}

async function setUserAccounts(tx: ProjectionTx, userId: string, change: (ids: string[]) => string[]) {
  const ids = (await tx.get<string[]>(userAccountsKey(userId))) ?? [];
  const next = change(ids);
  if (next.length === 0) tx.del(userAccountsKey(userId));
  else tx.set(userAccountsKey(userId), next);
}

async function setGroupMembership(
  tx: ProjectionTx,
  accountId: string,
  userIds: string[],
  groupId: string,
  member: boolean,
) {
  for (const userId of userIds) {
    const user = await tx.get<AccountUserDoc>(accountUserKey(accountId, userId));
    if (!user) continue;
    const groupIds = user.groupIds.filter((id) => id !== groupId);
    if (member) groupIds.push(groupId);
    tx.set(accountUserKey(accountId, userId), { ...user, groupIds });
  }
}

/** Re-indexes a user's search words in every account they belong to (their profile changed). */
export async function reindexUser(tx: ProjectionTx, profile: ProfileDoc): Promise<void> {
  const words = searchWords(profile.userId, profile.name, profile.email);
  for (const accountId of (await tx.get<string[]>(userAccountsKey(profile.userId))) ?? []) {
    const user = await tx.get<AccountUserDoc>(accountUserKey(accountId, profile.userId));
    if (!user) continue;
    indexWords(tx, accountUserWordsKey(accountId), user.words, user.seq, user.userId, false);
    indexWords(tx, accountUserWordsKey(accountId), words, user.seq, user.userId, true);
    tx.set(accountUserKey(accountId, profile.userId), { ...user, words });
  }
}

export async function applyAccountEvent(stored: StoredEvent, tx: ProjectionTx): Promise<void> {
  const event = { type: stored.type, data: stored.data } as AccountEvent;
  switch (event.type) {
    case 'SmartAccountCreated': {
      const { accountId, name, domainIdentifier, createdAt } = event.data;
      tx.set(accountKey(accountId), {
        id: accountId,
        name,
        domainIdentifier,
        createdAt,
        virtualAccounts: [],
        userSeq: 0,
        groupSeq: 0,
      });
      tx.set(accountByDomainKey(domainIdentifier), accountId);
      return;
    }
    case 'VirtualAccountCreated': {
      const { accountId, virtualAccountId, name, description, isDefault, createdAt } = event.data;
      const account = await required<AccountDoc>(tx, accountKey(accountId));
      const virtualAccount = { id: virtualAccountId, name, description, isDefault, createdAt };
      tx.set(accountKey(accountId), {
        ...account,
        virtualAccounts: [...account.virtualAccounts, virtualAccount],
      });
      return;
    }
    case 'UserAdded': {
      const { accountId, userId, roles, addedAt, addedBy } = event.data;
      const account = await required<AccountDoc>(tx, accountKey(accountId));
      const seq = account.userSeq + 1;
      tx.set(accountKey(accountId), { ...account, userSeq: seq });
      const profile = await tx.get<ProfileDoc>(profileKey(userId));
      const words = searchWords(userId, profile?.name, profile?.email);
      const doc: AccountUserDoc = {
        accountId,
        userId,
        directRoles: roles,
        groupIds: [],
        addedAt,
        addedBy,
        seq,
        words,
      };
      tx.set(accountUserKey(accountId, userId), doc);
      tx.sortedAdd(accountUsersKey(accountId), userId, seq);
      indexWords(tx, accountUserWordsKey(accountId), words, seq, userId, true);
      await setUserAccounts(tx, userId, (ids) => [...ids.filter((id) => id !== accountId), accountId]);
      return;
    }
    case 'UserRolesChanged': {
      const { accountId, userId, roles } = event.data;
      const user = await required<AccountUserDoc>(tx, accountUserKey(accountId, userId));
      tx.set(accountUserKey(accountId, userId), { ...user, directRoles: roles });
      return;
    }
    case 'UserRemoved': {
      const { accountId, userId, removedFromGroups } = event.data;
      const user = await required<AccountUserDoc>(tx, accountUserKey(accountId, userId));
      tx.del(accountUserKey(accountId, userId));
      tx.sortedRemove(accountUsersKey(accountId), userId);
      indexWords(tx, accountUserWordsKey(accountId), user.words, user.seq, userId, false);
      await setUserAccounts(tx, userId, (ids) => ids.filter((id) => id !== accountId));
      for (const groupId of removedFromGroups) {
        const group = await tx.get<GroupDoc>(groupKey(accountId, groupId));
        if (group)
          tx.set(groupKey(accountId, groupId), {
            ...group,
            memberIds: group.memberIds.filter((id) => id !== userId),
          });
      }
      return;
    }
    case 'GroupCreated': {
      const { accountId, groupId, name, description, memberIds, access, createdAt } = event.data;
      const account = await required<AccountDoc>(tx, accountKey(accountId));
      const seq = account.groupSeq + 1;
      tx.set(accountKey(accountId), { ...account, groupSeq: seq });
      const words = searchWords(name);
      tx.set(groupKey(accountId, groupId), {
        accountId,
        id: groupId,
        name,
        description,
        memberIds,
        access,
        createdAt,
        seq,
        words,
      });
      tx.sortedAdd(accountGroupsKey(accountId), groupId, seq);
      indexWords(tx, accountGroupWordsKey(accountId), words, seq, groupId, true);
      await setGroupMembership(tx, accountId, memberIds, groupId, true);
      return;
    }
    case 'GroupUpdated': {
      const { accountId, groupId } = event.data;
      const group = await required<GroupDoc>(tx, groupKey(accountId, groupId));
      const name = event.data.name ?? group.name;
      const description = event.data.description !== undefined ? event.data.description : group.description;
      const words = searchWords(name);
      indexWords(tx, accountGroupWordsKey(accountId), group.words, group.seq, groupId, false);
      indexWords(tx, accountGroupWordsKey(accountId), words, group.seq, groupId, true);
      tx.set(groupKey(accountId, groupId), { ...group, name, description, words });
      return;
    }
    case 'GroupMembersAdded':
    case 'GroupMembersRemoved': {
      const { accountId, groupId, userIds } = event.data;
      const group = await required<GroupDoc>(tx, groupKey(accountId, groupId));
      const added = event.type === 'GroupMembersAdded';
      const memberIds = added
        ? [...group.memberIds, ...userIds.filter((id) => !group.memberIds.includes(id))]
        : group.memberIds.filter((id) => !userIds.includes(id));
      tx.set(groupKey(accountId, groupId), { ...group, memberIds });
      await setGroupMembership(tx, accountId, userIds, groupId, added);
      return;
    }
    case 'GroupAccessChanged': {
      const { accountId, groupId, access } = event.data;
      const group = await required<GroupDoc>(tx, groupKey(accountId, groupId));
      tx.set(groupKey(accountId, groupId), { ...group, access });
      return;
    }
    case 'GroupDeleted': {
      const { accountId, groupId, memberIds } = event.data;
      const group = await required<GroupDoc>(tx, groupKey(accountId, groupId));
      tx.del(groupKey(accountId, groupId));
      tx.sortedRemove(accountGroupsKey(accountId), groupId);
      indexWords(tx, accountGroupWordsKey(accountId), group.words, group.seq, groupId, false);
      await setGroupMembership(tx, accountId, memberIds, groupId, false);
      return;
    }
    default:
      return;
  }
}

export interface PageRequest {
  search?: string | null;
  /** Exclusive: items after this sequence number (a decoded cursor). */
  afterSeq?: number;
  size: number;
}

/** What the API and the application ask of accounts, their users and groups. */
export function accountQueries(reads: ReadModelReader) {
  return {
    account: (accountId: string): Promise<AccountDoc | undefined> =>
      reads.get<AccountDoc>(accountKey(accountId)),
    users: (accountId: string, userIds: readonly string[]): Promise<(AccountUserDoc | undefined)[]> =>
      reads.getMany<AccountUserDoc>(userIds.map((id) => readAccountUserKey(accountId, id))),
    user: (accountId: string, userId: string): Promise<AccountUserDoc | undefined> =>
      reads.get<AccountUserDoc>(accountUserKey(accountId, userId)),
    usersPage: (accountId: string, page: PageRequest): Promise<PagedIds> =>
      pagedSearch(reads, { list: accountUsersKey(accountId), words: accountUserWordsKey(accountId) }, page),
    group: (accountId: string, groupId: string): Promise<GroupDoc | undefined> =>
      reads.get<GroupDoc>(groupKey(accountId, groupId)),
    groups: (accountId: string, groupIds: readonly string[]): Promise<(GroupDoc | undefined)[]> =>
      reads.getMany<GroupDoc>(groupIds.map((id) => groupKey(accountId, id))),
    groupsPage: (accountId: string, page: PageRequest): Promise<PagedIds> =>
      pagedSearch(reads, { list: accountGroupsKey(accountId), words: accountGroupWordsKey(accountId) }, page),
    /** The accounts the user is a user of. */
    accountIdsOf: async (userId: string): Promise<string[]> =>
      (await reads.get<string[]>(userAccountsKey(userId))) ?? [],
  };
}

export type AccountQueries = ReturnType<typeof accountQueries>;
