import { Arg, Args, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { forbiddenTo } from '../../domain/account';
import { effectiveAssignments, loadAccountUsers, toGroupAccess, toRoleAssignments } from '../account-views';
import type { GraphQLContext } from '../context';
import {
  AccountUser,
  AccountUserConnection,
  GroupVirtualAccountAccess,
  RoleAssignment,
  SmartAccount,
  UserGroup,
  UserGroupConnection,
} from '../types/account';
import { toConnection, type Connection } from '../types/connection';
import { PageArgs, SearchPageArgs } from '../types/page-args';

/** The page's items with their nodes, leaving out any the read models no longer have. */
function pageItems<T>(items: ReadonlyArray<{ seq: number }>, nodes: ReadonlyArray<T | null>) {
  // A loop, not flatMap: flatMap's one-element arrays showed in the profile of a users page.
  const withNodes: Array<{ seq: number; node: T }> = [];
  for (let index = 0; index < items.length; index++) {
    const node = nodes[index];
    if (node) withNodes.push({ seq: items[index].seq, node });
  }
  return withNodes;
}

function requireMemberAccess(account: SmartAccount): void {
  if (!account.access.readMembers) throw forbiddenTo('readMembers');
}

@Resolver(() => SmartAccount)
export class SmartAccountFields {
  @FieldResolver(() => [RoleAssignment], {
    description: "The caller's effective access to this account, direct and through groups.",
  })
  myRoles(@Root() account: SmartAccount, @Ctx() { app }: GraphQLContext): Promise<RoleAssignment[]> {
    return toRoleAssignments(app.queries, account.doc, account.access.myRoles, account.access.readMembers);
  }

  @FieldResolver(() => AccountUserConnection, {
    description: 'Search matches user ID, name or email, case-insensitive, by prefix of any word.',
  })
  async users(
    @Root() account: SmartAccount,
    @Args(() => SearchPageArgs) args: SearchPageArgs,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Connection<AccountUser>> {
    requireMemberAccess(account);
    const { size, afterSeq } = args.page();
    const page = await app.queries.accounts.usersPage(account.id, { search: args.search, afterSeq, size });
    const users = await loadAccountUsers(
      app.queries,
      account.doc,
      page.items.map((item) => item.id),
    );
    return toConnection(pageItems(page.items, users), size, page.totalCount);
  }

  @FieldResolver(() => AccountUser, { nullable: true })
  async user(
    @Root() account: SmartAccount,
    @Arg('userId', () => ID) userId: string,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccountUser | null> {
    requireMemberAccess(account);
    const [user] = await loadAccountUsers(app.queries, account.doc, [userId]);
    return user;
  }

  @FieldResolver(() => UserGroupConnection)
  async groups(
    @Root() account: SmartAccount,
    @Args(() => SearchPageArgs) args: SearchPageArgs,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Connection<UserGroup>> {
    requireMemberAccess(account);
    const { size, afterSeq } = args.page();
    const page = await app.queries.accounts.groupsPage(account.id, { search: args.search, afterSeq, size });
    const docs = await app.queries.accounts.groups(
      account.id,
      page.items.map((item) => item.id),
    );
    const groups = docs.map((doc) => (doc ? UserGroup.from(doc, account.doc, true) : null));
    return toConnection(pageItems(page.items, groups), size, page.totalCount);
  }

  @FieldResolver(() => UserGroup, { nullable: true })
  async group(
    @Root() account: SmartAccount,
    @Arg('id', () => ID) id: string,
    @Ctx() { app }: GraphQLContext,
  ): Promise<UserGroup | null> {
    requireMemberAccess(account);
    const doc = await app.queries.accounts.group(account.id, id);
    return doc ? UserGroup.from(doc, account.doc, true) : null;
  }
}

@Resolver(() => AccountUser)
export class AccountUserFields {
  @FieldResolver(() => [RoleAssignment], {
    description: "Direct roles plus the roles that the user's groups carry.",
  })
  async effectiveRoles(@Root() user: AccountUser, @Ctx() { app }: GraphQLContext): Promise<RoleAssignment[]> {
    // An AccountUser is only reachable by callers who may read the account's users.
    return toRoleAssignments(
      app.queries,
      user.account,
      await effectiveAssignments(app.queries, user.doc),
      true,
    );
  }

  @FieldResolver(() => [UserGroup])
  async groups(@Root() user: AccountUser, @Ctx() { app }: GraphQLContext): Promise<UserGroup[]> {
    const docs = await app.queries.accounts.groups(user.account.id, user.doc.groupIds);
    return docs.flatMap((doc) => (doc ? [UserGroup.from(doc, user.account, true)] : []));
  }
}

@Resolver(() => UserGroup)
export class UserGroupFields {
  @FieldResolver(() => AccountUserConnection)
  async members(
    @Root() group: UserGroup,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Connection<AccountUser>> {
    if (!group.membersReadable) throw forbiddenTo('readMembers');
    const { size, afterSeq } = args.page();
    // Members keep the order they joined in; the cursor is the position in that list.
    const start = afterSeq ?? 0;
    const ids = group.doc.memberIds.slice(start, start + size + 1);
    const users = await loadAccountUsers(app.queries, group.account, ids);
    const items = users.flatMap((node, index) => (node ? [{ seq: start + index + 1, node }] : []));
    return toConnection(items, size, group.doc.memberIds.length);
  }

  @FieldResolver(() => [GroupVirtualAccountAccess])
  virtualAccountAccess(@Root() group: UserGroup): GroupVirtualAccountAccess[] {
    return toGroupAccess(group.account.virtualAccounts, group.doc.access);
  }
}
