import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import {
  accountGroupsKey,
  accountGroupWordsKey,
  accountUsersKey,
  accountUserWordsKey,
  groupKey,
  type GroupDoc,
} from '../../../projections/accounts';
import { profileKey, type ProfileDoc } from '../../../projections/profiles';
import { DomainError, forbidden } from '../../domain/errors';
import { pagedSearch } from '../../readmodel/paged-search';
import { effectiveAssignments, loadAccountUsers, toRoleAssignments } from '../account-views';
import type { GraphQLContext } from '../context';
import {
  AccountUser,
  AccountUserConnection,
  GroupVirtualAccountAccess,
  RoleAssignment,
  SmartAccount,
  UserGroup,
  UserGroupConnection,
  VirtualAccount,
} from '../types/account';
import { decodeCursor, pageSize, toConnection, type Connection } from '../types/connection';
import { Profile } from '../types/profile';

const MEMBERS_FORBIDDEN = 'Your roles in this Smart Account do not allow you to see its users and groups';

function requireMemberAccess(account: SmartAccount): void {
  if (!account.access.readMembers) throw forbidden(MEMBERS_FORBIDDEN);
}

@Resolver(() => SmartAccount)
export class SmartAccountFields {
  @FieldResolver(() => [RoleAssignment], {
    description: "The caller's effective access to this account, direct and through groups.",
  })
  myRoles(@Root() account: SmartAccount, @Ctx() context: GraphQLContext): Promise<RoleAssignment[]> {
    return toRoleAssignments(
      context.app.reads,
      account.doc,
      account.access.myRoles,
      account.access.readMembers,
    );
  }

  @FieldResolver(() => AccountUserConnection, {
    description: 'Search matches user ID, name or email, case-insensitive, by prefix of any word.',
  })
  async users(
    @Root() account: SmartAccount,
    @Ctx() context: GraphQLContext,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<AccountUser>> {
    requireMemberAccess(account);
    const size = pageSize(first);
    const page = await pagedSearch(
      context.app.reads,
      { list: accountUsersKey(account.id), words: accountUserWordsKey(account.id) },
      { search, afterSeq: decodeCursor(after), size },
    );
    const users = await loadAccountUsers(
      context.app.reads,
      account.doc,
      page.items.map((item) => item.id),
    );
    const items = page.items.flatMap((item, index) => {
      const node = users[index];
      return node ? [{ seq: item.seq, node }] : [];
    });
    return toConnection(items, size, page.totalCount);
  }

  @FieldResolver(() => AccountUser, { nullable: true })
  async user(
    @Root() account: SmartAccount,
    @Arg('userId', () => ID) userId: string,
    @Ctx() context: GraphQLContext,
  ): Promise<AccountUser | null> {
    requireMemberAccess(account);
    const [user] = await loadAccountUsers(context.app.reads, account.doc, [userId]);
    return user;
  }

  @FieldResolver(() => UserGroupConnection)
  async groups(
    @Root() account: SmartAccount,
    @Ctx() context: GraphQLContext,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<UserGroup>> {
    requireMemberAccess(account);
    const size = pageSize(first);
    const page = await pagedSearch(
      context.app.reads,
      { list: accountGroupsKey(account.id), words: accountGroupWordsKey(account.id) },
      { search, afterSeq: decodeCursor(after), size },
    );
    const docs = await context.app.reads.getMany<GroupDoc>(
      page.items.map((item) => groupKey(account.id, item.id)),
    );
    const items = page.items.flatMap((item, index) => {
      const doc = docs[index];
      return doc ? [{ seq: item.seq, node: UserGroup.from(doc, account.doc, true) }] : [];
    });
    return toConnection(items, size, page.totalCount);
  }

  @FieldResolver(() => UserGroup, { nullable: true })
  async group(
    @Root() account: SmartAccount,
    @Arg('id', () => ID) id: string,
    @Ctx() context: GraphQLContext,
  ): Promise<UserGroup | null> {
    requireMemberAccess(account);
    const doc = await context.app.reads.get<GroupDoc>(groupKey(account.id, id));
    return doc ? UserGroup.from(doc, account.doc, true) : null;
  }
}

@Resolver(() => AccountUser)
export class AccountUserFields {
  @FieldResolver(() => Profile)
  async profile(@Root() user: AccountUser, @Ctx() context: GraphQLContext): Promise<Profile> {
    const doc = await context.app.reads.get<ProfileDoc>(profileKey(user.doc.userId));
    if (!doc) throw new DomainError('INTERNAL_SERVER_ERROR', 'Profile not available');
    return Profile.from(doc);
  }

  @FieldResolver(() => [RoleAssignment])
  directRoles(@Root() user: AccountUser, @Ctx() context: GraphQLContext): Promise<RoleAssignment[]> {
    return toRoleAssignments(context.app.reads, user.account, user.doc.directRoles);
  }

  @FieldResolver(() => [RoleAssignment], {
    description: "Direct roles plus the roles that the user's groups carry.",
  })
  async effectiveRoles(@Root() user: AccountUser, @Ctx() context: GraphQLContext): Promise<RoleAssignment[]> {
    // An AccountUser is only reachable by callers who may read the account's users.
    return toRoleAssignments(
      context.app.reads,
      user.account,
      await effectiveAssignments(context.app.reads, user.doc),
      true,
    );
  }

  @FieldResolver(() => [UserGroup])
  async groups(@Root() user: AccountUser, @Ctx() context: GraphQLContext): Promise<UserGroup[]> {
    const docs = await context.app.reads.getMany<GroupDoc>(
      user.doc.groupIds.map((id) => groupKey(user.account.id, id)),
    );
    return docs.flatMap((doc) => (doc ? [UserGroup.from(doc, user.account, true)] : []));
  }
}

@Resolver(() => UserGroup)
export class UserGroupFields {
  @FieldResolver(() => AccountUserConnection)
  async members(
    @Root() group: UserGroup,
    @Ctx() context: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<AccountUser>> {
    if (!group.membersReadable) throw forbidden(MEMBERS_FORBIDDEN);
    const size = pageSize(first);
    // Members keep the order they joined in; the cursor is the position in that list.
    const start = decodeCursor(after) ?? 0;
    const ids = group.doc.memberIds.slice(start, start + size + 1);
    const users = await loadAccountUsers(context.app.reads, group.account, ids);
    const items = users.flatMap((node, index) => (node ? [{ seq: start + index + 1, node }] : []));
    return toConnection(items, size, group.doc.memberIds.length);
  }

  @FieldResolver(() => [GroupVirtualAccountAccess])
  virtualAccountAccess(@Root() group: UserGroup): GroupVirtualAccountAccess[] {
    const virtualAccounts = new Map(group.account.virtualAccounts.map((va) => [va.id, va]));
    return group.doc.access.flatMap((access) => {
      const va = virtualAccounts.get(access.virtualAccountId);
      return va
        ? [
            Object.assign(new GroupVirtualAccountAccess(), {
              virtualAccount: VirtualAccount.from(va),
              role: access.role,
            }),
          ]
        : [];
    });
  }
}
