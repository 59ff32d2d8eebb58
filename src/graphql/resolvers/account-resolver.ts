import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { AccountDoc } from '../../../projections/accounts';
import { addUsersResults, type AddUsersCommand, type UserRemoved } from '../../domain/account';
import { DomainError } from '../../domain/errors';
import { parseUserEntries } from '../../app/user-entries';
import { runOnAccount } from '../account-commands';
import { loadAccountDoc, loadAccountUsers } from '../account-views';
import { callerOf, requireUser, type GraphQLContext } from '../context';
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
  context: GraphQLContext,
  accountId: string,
): Promise<SmartAccount | null> {
  const { actor } = requireUser(context);
  const access = await context.app.accounts.readAccess(actor, accountId);
  if (!access) return null;
  const doc = await loadAccountDoc(context.app.reads, accountId);
  if (!doc) return null;
  return SmartAccount.from(doc, {
    readMembers: access.readMembers,
    readAccessRequests: access.readAccessRequests,
    myRoles: access.myRoles,
  });
}

async function accountDocAfterWrite(context: GraphQLContext, accountId: string): Promise<AccountDoc> {
  const doc = await loadAccountDoc(context.app.reads, accountId);
  if (!doc) throw new Error(`account ${accountId} missing from the read model after a write`);
  return doc;
}

async function accountUserAfterWrite(context: GraphQLContext, accountId: string, userId: string) {
  const account = await accountDocAfterWrite(context, accountId);
  const [user] = await loadAccountUsers(context.app.reads, account, [userId]);
  if (!user) throw new Error(`user ${userId} missing from the read model after a write`);
  return user;
}

@Resolver()
export class AccountResolver {
  @Query(() => [SmartAccount], {
    description:
      'Smart Accounts where the caller has any role, directly, through a group, or through an external group grant.',
  })
  async mySmartAccounts(@Ctx() context: GraphQLContext): Promise<SmartAccount[]> {
    const { actor } = requireUser(context);
    const ids = await context.app.accounts.accountIdsOf(actor.userId);
    const accounts = await Promise.all(ids.map((id) => readableAccount(context, id)));
    return accounts.filter((account): account is SmartAccount => account !== null);
  }

  @Query(() => [SmartAccount], {
    description: "Search among the caller's Smart Accounts by name or domain identifier.",
  })
  async searchSmartAccounts(
    @Arg('query', () => String) query: string,
    @Ctx() context: GraphQLContext,
  ): Promise<SmartAccount[]> {
    const text = query.trim().toLowerCase();
    const mine = await this.mySmartAccounts(context);
    return mine.filter(
      (account) =>
        account.name.toLowerCase().includes(text) || account.domainIdentifier.toLowerCase().includes(text),
    );
  }

  @Query(() => SmartAccount, { nullable: true })
  smartAccount(
    @Arg('id', () => ID) id: string,
    @Ctx() context: GraphQLContext,
  ): Promise<SmartAccount | null> {
    return readableAccount(context, id);
  }

  @Mutation(() => SmartAccount, {
    description:
      "The caller becomes the new account's first SMART_ACCOUNT_ADMIN; a 'Default' virtual account is created with it.",
  })
  async createSmartAccount(
    @Arg('input', () => CreateSmartAccountInput) input: CreateSmartAccountInput,
    @Ctx() context: GraphQLContext,
  ): Promise<SmartAccount> {
    const { actor } = requireUser(context);
    const accountId = await context.app.accounts.createSmartAccount({ ...callerOf(context), actor }, input);
    const account = await readableAccount(context, accountId);
    if (!account) throw new Error(`account ${accountId} unreadable by its creator`);
    return account;
  }

  @Mutation(() => VirtualAccount)
  async createVirtualAccount(
    @Arg('input', () => CreateVirtualAccountInput) input: CreateVirtualAccountInput,
    @Ctx() context: GraphQLContext,
  ): Promise<VirtualAccount> {
    const virtualAccountId = randomUUID();
    await runOnAccount(context, input.accountId, {
      type: 'CreateVirtualAccount',
      virtualAccountId,
      name: input.name,
      description: input.description ?? null,
    });
    const account = await accountDocAfterWrite(context, input.accountId);
    const created = account.virtualAccounts.find((va) => va.id === virtualAccountId);
    if (!created) throw new Error('virtual account missing from the read model after a write');
    return VirtualAccount.from(created);
  }

  @Mutation(() => AddUsersPayload)
  async addUsers(
    @Arg('input', () => AddUsersInput) input: AddUsersInput,
    @Ctx() context: GraphQLContext,
  ): Promise<AddUsersPayload> {
    const { actor } = requireUser(context);
    const entries = parseUserEntries({ users: input.users, csv: input.csv });
    const command: AddUsersCommand = {
      type: 'AddUsers',
      actor,
      at: context.app.now(),
      entries: await context.app.accounts.resolveEntries(entries),
      roles: input.roles,
      notify: input.notify ?? true,
      dryRun: input.dryRun ?? false,
      idempotencyKey: input.idempotencyKey ?? null,
    };
    const result = await context.app.accounts.run(callerOf(context), input.accountId, command);
    const { results } = addUsersResults(command, result.events, result.state);
    const account = await accountDocAfterWrite(context, input.accountId);
    const withUser = results.map((r) =>
      r.outcome === 'ADDED' || r.outcome === 'ALREADY_MEMBER' ? r.userId : null,
    );
    const users = await loadAccountUsers(
      context.app.reads,
      account,
      withUser.filter((id): id is string => id !== null),
    );
    const byId = new Map(users.filter((u): u is AccountUser => u !== null).map((u) => [u.doc.userId, u]));
    return {
      dryRun: command.dryRun,
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
    @Ctx() context: GraphQLContext,
  ): Promise<AccountUser> {
    await runOnAccount(context, input.accountId, {
      type: 'SetUserRoles',
      userId: input.userId,
      roles: input.roles,
    });
    return accountUserAfterWrite(context, input.accountId, input.userId);
  }

  @Mutation(() => RemoveUserPayload, {
    description: 'The user loses all access to the account and leaves every group of it.',
  })
  async removeUser(
    @Arg('input', () => RemoveUserInput) input: RemoveUserInput,
    @Ctx() context: GraphQLContext,
  ): Promise<RemoveUserPayload> {
    const result = await runOnAccount(context, input.accountId, {
      type: 'RemoveUser',
      userId: input.userId,
      notify: input.notify ?? false,
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
