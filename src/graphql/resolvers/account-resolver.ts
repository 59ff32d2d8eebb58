import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { AccountDoc } from '../../../projections/accounts';
import { addUsersResults, type AddUsersCommand, type UserRemoved } from '../../domain/account';
import { DomainError } from '../../domain/errors';
import { parseUserEntries } from '../../app/user-entries';
import type { AppApi } from '../../app/api';
import type { SignedInCaller } from '../../app/caller';
import { boundedSearchTerms } from '../../../projections/search-limits';
import { loadAccountUsers } from '../account-views';
import { Caller, type GraphQLContext } from '../context';
import { SmartAccount, VirtualAccount, AccountUser } from '../types/account';
import {
  AddUsersInput,
  AddUsersPayload,
  CreateSmartAccountInput,
  CreateVirtualAccountInput,
  RemoveUserInput,
  RemoveUserPayload,
  SetUserRolesInput,
} from '../types/account-inputs';

/** The account as the caller may see it, or null when they may not (like a missing one). */
export async function readableAccount(
  app: AppApi,
  caller: SignedInCaller,
  accountId: string,
): Promise<SmartAccount | null> {
  const access = await app.access.readAccess(caller.actor, accountId);
  if (!access) return null;
  const doc = await app.queries.accounts.account(accountId);
  if (!doc) return null;
  return SmartAccount.from(doc, {
    readMembers: access.readMembers,
    readAccessRequests: access.readAccessRequests,
    myRoles: access.myRoles,
  });
}

async function accountDocAfterWrite(app: AppApi, accountId: string): Promise<AccountDoc> {
  const doc = await app.queries.accounts.account(accountId);
  if (!doc) throw new Error(`account ${accountId} missing from the read model after a write`);
  return doc;
}

async function accountUserAfterWrite(app: AppApi, accountId: string, userId: string) {
  const account = await accountDocAfterWrite(app, accountId);
  const [user] = await loadAccountUsers(app.queries, account, [userId]);
  if (!user) throw new Error(`user ${userId} missing from the read model after a write`);
  return user;
}

@Resolver()
export class AccountResolver {
  @Query(() => [SmartAccount], {
    description:
      'Smart Accounts where the caller has any role, directly, through a group, or through an external group grant.',
  })
  async mySmartAccounts(
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<SmartAccount[]> {
    const ids = await app.access.accountIdsOf(caller.actor.userId);
    const accounts = await Promise.all(ids.map((id) => readableAccount(app, caller, id)));
    return accounts.filter((account): account is SmartAccount => account !== null);
  }

  @Query(() => [SmartAccount], {
    description: "Search among the caller's Smart Accounts by name or domain identifier.",
  })
  async searchSmartAccounts(
    @Arg('query', () => String) query: string,
    @Caller() caller: SignedInCaller,
    @Ctx() context: GraphQLContext,
  ): Promise<SmartAccount[]> {
    boundedSearchTerms(query, 'query');
    const text = query.trim().toLowerCase();
    const mine = await this.mySmartAccounts(caller, context);
    return mine.filter(
      (account) =>
        account.name.toLowerCase().includes(text) || account.domainIdentifier.toLowerCase().includes(text),
    );
  }

  @Query(() => SmartAccount, { nullable: true })
  smartAccount(
    @Arg('id', () => ID) id: string,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<SmartAccount | null> {
    return readableAccount(app, caller, id);
  }

  @Mutation(() => SmartAccount, {
    description:
      "The caller becomes the new account's first SMART_ACCOUNT_ADMIN; a 'Default' virtual account is created with it.",
  })
  async createSmartAccount(
    @Arg('input', () => CreateSmartAccountInput) input: CreateSmartAccountInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<SmartAccount> {
    const accountId = await app.createSmartAccount(caller, input);
    const account = await readableAccount(app, caller, accountId);
    if (!account) throw new Error(`account ${accountId} unreadable by its creator`);
    return account;
  }

  @Mutation(() => VirtualAccount)
  async createVirtualAccount(
    @Arg('input', () => CreateVirtualAccountInput) input: CreateVirtualAccountInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<VirtualAccount> {
    const virtualAccountId = randomUUID();
    await app.runAccountCommand(caller, input.accountId, {
      type: 'CreateVirtualAccount',
      data: { virtualAccountId, name: input.name, description: input.description ?? null },
    });
    const account = await accountDocAfterWrite(app, input.accountId);
    const created = account.virtualAccounts.find((va) => va.id === virtualAccountId);
    if (!created) throw new Error('virtual account missing from the read model after a write');
    return VirtualAccount.from(created);
  }

  @Mutation(() => AddUsersPayload)
  async addUsers(
    @Arg('input', () => AddUsersInput) input: AddUsersInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AddUsersPayload> {
    const entries = parseUserEntries({ users: input.users, csv: input.csv });
    const data: AddUsersCommand['data'] = {
      entries: await app.resolveUserEntries(entries),
      roles: input.roles,
      notify: input.notify ?? true,
      dryRun: input.dryRun ?? false,
      idempotencyKey: input.idempotencyKey ?? null,
    };
    const result = await app.runAccountCommand(caller, input.accountId, { type: 'AddUsers', data });
    const { results } = addUsersResults(data, caller.actor.userId, result.events, result.state);
    const account = await accountDocAfterWrite(app, input.accountId);
    const withUser = results.map((r) =>
      r.outcome === 'ADDED' || r.outcome === 'ALREADY_MEMBER' ? r.userId : null,
    );
    const users = await loadAccountUsers(
      app.queries,
      account,
      withUser.filter((id): id is string => id !== null),
    );
    const byId = new Map(users.filter((u): u is AccountUser => u !== null).map((u) => [u.doc.userId, u]));
    return {
      dryRun: data.dryRun,
      addedCount: results.filter((r) => r.outcome === 'ADDED').length,
      results: results.map((r, index) => ({
        input: r.input,
        line: r.line,
        outcome: r.outcome,
        message: r.message,
        user: withUser[index] === null ? null : (byId.get(withUser[index] as string) ?? null),
      })),
    };
  }

  @Mutation(() => AccountUser)
  async setUserRoles(
    @Arg('input', () => SetUserRolesInput) input: SetUserRolesInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccountUser> {
    await app.runAccountCommand(caller, input.accountId, {
      type: 'SetUserRoles',
      data: { userId: input.userId, roles: input.roles },
    });
    return accountUserAfterWrite(app, input.accountId, input.userId);
  }

  @Mutation(() => RemoveUserPayload, {
    description: 'The user loses all access to the account and leaves every group of it.',
  })
  async removeUser(
    @Arg('input', () => RemoveUserInput) input: RemoveUserInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<RemoveUserPayload> {
    const result = await app.runAccountCommand(caller, input.accountId, {
      type: 'RemoveUser',
      data: { userId: input.userId, notify: input.notify ?? false },
    });
    const removed = result.events.find((event): event is UserRemoved => event.type === 'UserRemoved');
    if (!removed) throw new DomainError('NOT_FOUND', 'No such user in this Smart Account');
    return {
      accountId: input.accountId,
      userId: input.userId,
      removedFromGroups: removed.data.removedFromGroups,
    };
  }
}
