import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { AppApi } from '../../app/api';
import type { SignedInCaller } from '../../app/caller';
import { Caller, type GraphQLContext } from '../context';
import { UserGroup } from '../types/account';
import {
  CreateUserGroupInput,
  DeleteUserGroupInput,
  EditUserGroupMembersInput,
  GroupMessageReceipt,
  SendGroupMessageInput,
  SetUserGroupAccessInput,
  UpdateUserGroupInput,
} from '../types/group-inputs';

async function groupAfterWrite(app: AppApi, accountId: string, groupId: string): Promise<UserGroup> {
  const [account, group] = await Promise.all([
    app.queries.accounts.account(accountId),
    app.queries.accounts.group(accountId, groupId),
  ]);
  if (!account || !group) throw new Error(`group ${groupId} missing from the read model after a write`);
  // Only who may manage groups gets here, and they may read the members.
  return UserGroup.from(group, account, true);
}

@Resolver()
export class GroupResolver {
  @Mutation(() => UserGroup)
  async createUserGroup(
    @Arg('input', () => CreateUserGroupInput) input: CreateUserGroupInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<UserGroup> {
    const groupId = randomUUID();
    await app.runAccountCommand(caller, input.accountId, {
      type: 'CreateUserGroup',
      data: {
        groupId,
        name: input.name,
        description: input.description ?? null,
        memberUserIds: input.memberUserIds ?? [],
        virtualAccountAccess: input.virtualAccountAccess ?? [],
      },
    });
    return groupAfterWrite(app, input.accountId, groupId);
  }

  @Mutation(() => UserGroup)
  async updateUserGroup(
    @Arg('input', () => UpdateUserGroupInput) input: UpdateUserGroupInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<UserGroup> {
    await app.runAccountCommand(caller, input.accountId, {
      type: 'UpdateUserGroup',
      data: {
        groupId: input.groupId,
        name: input.name ?? undefined,
        description: input.description,
      },
    });
    return groupAfterWrite(app, input.accountId, input.groupId);
  }

  @Mutation(() => UserGroup)
  async editUserGroupMembers(
    @Arg('input', () => EditUserGroupMembersInput) input: EditUserGroupMembersInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<UserGroup> {
    await app.runAccountCommand(caller, input.accountId, {
      type: 'EditUserGroupMembers',
      data: {
        groupId: input.groupId,
        add: input.add ?? [],
        remove: input.remove ?? [],
      },
    });
    return groupAfterWrite(app, input.accountId, input.groupId);
  }

  @Mutation(() => UserGroup)
  async setUserGroupAccess(
    @Arg('input', () => SetUserGroupAccessInput) input: SetUserGroupAccessInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<UserGroup> {
    await app.runAccountCommand(caller, input.accountId, {
      type: 'SetUserGroupAccess',
      data: {
        groupId: input.groupId,
        access: input.access,
      },
    });
    return groupAfterWrite(app, input.accountId, input.groupId);
  }

  @Mutation(() => ID)
  async deleteUserGroup(
    @Arg('input', () => DeleteUserGroupInput) input: DeleteUserGroupInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<string> {
    await app.runAccountCommand(caller, input.accountId, {
      type: 'DeleteUserGroup',
      data: { groupId: input.groupId },
    });
    return input.groupId;
  }

  @Mutation(() => GroupMessageReceipt)
  async sendGroupMessage(
    @Arg('input', () => SendGroupMessageInput) input: SendGroupMessageInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<GroupMessageReceipt> {
    const messageId = randomUUID();
    const result = await app.runAccountCommand(caller, input.accountId, {
      type: 'SendGroupMessage',
      data: {
        groupId: input.groupId,
        messageId,
        subject: input.subject,
        body: input.body,
      },
    });
    const sent = result.events.find((event) => event.type === 'GroupMessageSent');
    if (!sent || sent.type !== 'GroupMessageSent')
      throw new Error('sendGroupMessage appended no GroupMessageSent');
    return {
      messageId,
      groupId: input.groupId,
      recipientCount: sent.data.recipientIds.length,
      sentAt: sent.data.sentAt,
    };
  }
}
