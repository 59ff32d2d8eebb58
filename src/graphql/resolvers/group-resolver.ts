import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { groupKey, type GroupDoc } from '../../../projections/accounts';
import { loadAccountDoc } from '../account-views';
import { runOnAccount } from '../account-commands';
import type { GraphQLContext } from '../context';
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

async function groupAfterWrite(
  context: GraphQLContext,
  accountId: string,
  groupId: string,
): Promise<UserGroup> {
  const [account, group] = await Promise.all([
    loadAccountDoc(context.app.reads, accountId),
    context.app.reads.get<GroupDoc>(groupKey(accountId, groupId)),
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
    @Ctx() context: GraphQLContext,
  ): Promise<UserGroup> {
    const groupId = randomUUID();
    await runOnAccount(context, input.accountId, {
      type: 'CreateUserGroup',
      groupId,
      name: input.name,
      description: input.description ?? null,
      memberUserIds: input.memberUserIds ?? [],
      virtualAccountAccess: input.virtualAccountAccess ?? [],
    });
    return groupAfterWrite(context, input.accountId, groupId);
  }

  @Mutation(() => UserGroup)
  async updateUserGroup(
    @Arg('input', () => UpdateUserGroupInput) input: UpdateUserGroupInput,
    @Ctx() context: GraphQLContext,
  ): Promise<UserGroup> {
    await runOnAccount(context, input.accountId, {
      type: 'UpdateUserGroup',
      groupId: input.groupId,
      name: input.name ?? undefined,
      description: input.description,
    });
    return groupAfterWrite(context, input.accountId, input.groupId);
  }

  @Mutation(() => UserGroup)
  async editUserGroupMembers(
    @Arg('input', () => EditUserGroupMembersInput) input: EditUserGroupMembersInput,
    @Ctx() context: GraphQLContext,
  ): Promise<UserGroup> {
    await runOnAccount(context, input.accountId, {
      type: 'EditUserGroupMembers',
      groupId: input.groupId,
      add: input.add ?? [],
      remove: input.remove ?? [],
    });
    return groupAfterWrite(context, input.accountId, input.groupId);
  }

  @Mutation(() => UserGroup)
  async setUserGroupAccess(
    @Arg('input', () => SetUserGroupAccessInput) input: SetUserGroupAccessInput,
    @Ctx() context: GraphQLContext,
  ): Promise<UserGroup> {
    await runOnAccount(context, input.accountId, {
      type: 'SetUserGroupAccess',
      groupId: input.groupId,
      access: input.access,
    });
    return groupAfterWrite(context, input.accountId, input.groupId);
  }

  @Mutation(() => ID)
  async deleteUserGroup(
    @Arg('input', () => DeleteUserGroupInput) input: DeleteUserGroupInput,
    @Ctx() context: GraphQLContext,
  ): Promise<string> {
    await runOnAccount(context, input.accountId, { type: 'DeleteUserGroup', groupId: input.groupId });
    return input.groupId;
  }

  @Mutation(() => GroupMessageReceipt)
  async sendGroupMessage(
    @Arg('input', () => SendGroupMessageInput) input: SendGroupMessageInput,
    @Ctx() context: GraphQLContext,
  ): Promise<GroupMessageReceipt> {
    const messageId = randomUUID();
    const result = await runOnAccount(context, input.accountId, {
      type: 'SendGroupMessage',
      groupId: input.groupId,
      messageId,
      subject: input.subject,
      body: input.body,
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
