import { Field, ID, InputType, Int } from 'type-graphql';
import { OutputType } from './output-type';
import { AccountTargetInput, GroupTargetInput } from './target-inputs';
import { DateTimeScalar } from '../scalars';
import { GroupVirtualAccountAccessInput } from './roles';

@InputType()
export class CreateUserGroupInput extends AccountTargetInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [ID], { nullable: true, defaultValue: [] })
  memberUserIds?: string[] | null;

  @Field(() => [GroupVirtualAccountAccessInput], { nullable: true, defaultValue: [] })
  virtualAccountAccess?: GroupVirtualAccountAccessInput[] | null;
}

@InputType()
export class UpdateUserGroupInput extends GroupTargetInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class EditUserGroupMembersInput extends GroupTargetInput {
  @Field(() => [ID], { nullable: true, defaultValue: [] })
  add?: string[] | null;

  @Field(() => [ID], { nullable: true, defaultValue: [] })
  remove?: string[] | null;
}

@InputType()
export class SetUserGroupAccessInput extends GroupTargetInput {
  @Field(() => [GroupVirtualAccountAccessInput])
  access!: GroupVirtualAccountAccessInput[];
}

@InputType()
export class DeleteUserGroupInput extends GroupTargetInput {}

@InputType()
export class SendGroupMessageInput extends GroupTargetInput {
  @Field(() => String)
  subject!: string;

  @Field(() => String)
  body!: string;
}

@OutputType()
export class GroupMessageReceipt {
  @Field(() => ID)
  messageId!: string;

  @Field(() => ID)
  groupId!: string;

  @Field(() => Int)
  recipientCount!: number;

  @Field(() => DateTimeScalar)
  sentAt!: string;
}
