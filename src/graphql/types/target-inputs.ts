import { Field, ID, InputType } from 'type-graphql';

/** Inputs of operations on one Smart Account (bases only: no schema type of their own). */
@InputType()
export abstract class AccountTargetInput {
  @Field(() => ID)
  accountId!: string;
}

/** Inputs of operations on one user of a Smart Account. */
@InputType()
export abstract class AccountUserTargetInput extends AccountTargetInput {
  @Field(() => ID)
  userId!: string;
}

/** Inputs of operations on one group of a Smart Account. */
@InputType()
export abstract class GroupTargetInput extends AccountTargetInput {
  @Field(() => ID)
  groupId!: string;
}
