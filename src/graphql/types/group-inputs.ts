import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';
import { GroupVirtualAccountAccessInput } from './roles';

@InputType()
export class CreateUserGroupInput {
  @Field(() => ID)
  accountId!: string;

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
export class UpdateUserGroupInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID)
  groupId!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class EditUserGroupMembersInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID)
  groupId!: string;

  @Field(() => [ID], { nullable: true, defaultValue: [] })
  add?: string[] | null;

  @Field(() => [ID], { nullable: true, defaultValue: [] })
  remove?: string[] | null;
}

@InputType()
export class SetUserGroupAccessInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID)
  groupId!: string;

  @Field(() => [GroupVirtualAccountAccessInput])
  access!: GroupVirtualAccountAccessInput[];
}

@InputType()
export class DeleteUserGroupInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID)
  groupId!: string;
}

@InputType()
export class SendGroupMessageInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID)
  groupId!: string;

  @Field(() => String)
  subject!: string;

  @Field(() => String)
  body!: string;
}

@ObjectType()
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
