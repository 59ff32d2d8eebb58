import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { OutputType } from './output-type';
import { AccountTargetInput, AccountUserTargetInput } from './target-inputs';
import type { AddUserOutcome } from '../../domain/account';
import { AccountUser } from './account';
import { RoleAssignmentInput } from './roles';

@InputType()
export class CreateSmartAccountInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  domainIdentifier!: string;
}

@InputType()
export class CreateVirtualAccountInput extends AccountTargetInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class AddUsersInput extends AccountTargetInput {
  @Field(() => [String], { nullable: true, description: 'User IDs or email addresses, typed in by hand.' })
  users?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: "Or a CSV file's text: one user ID or email per row, an optional header row.",
  })
  csv?: string | null;

  @Field(() => [RoleAssignmentInput], {
    description: 'The scope and roles granted to every user in this batch.',
  })
  roles!: RoleAssignmentInput[];

  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'Email each added user.' })
  notify?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Review only: report what would happen and change nothing.',
  })
  dryRun?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: "Repeat-safe retries: a second call with the same key returns the first call's result.",
  })
  idempotencyKey?: string | null;
}

const AddUserOutcomeEnum = {
  ADDED: 'ADDED',
  WOULD_ADD: 'WOULD_ADD',
  ALREADY_MEMBER: 'ALREADY_MEMBER',
  NOT_FOUND: 'NOT_FOUND',
  INVALID: 'INVALID',
  DUPLICATE_IN_BATCH: 'DUPLICATE_IN_BATCH',
} as const satisfies { [O in AddUserOutcome]: O };

registerEnumType(AddUserOutcomeEnum, {
  name: 'AddUserOutcome',
  valuesConfig: { NOT_FOUND: { description: 'No active profile has this user ID or email.' } },
});

@OutputType()
export class AddUserResult {
  @Field(() => String, { description: 'The entry as given.' })
  input!: string;

  @Field(() => Int, { nullable: true, description: '1-based CSV line, when the entry came from csv.' })
  line!: number | null;

  @Field(() => AddUserOutcomeEnum)
  outcome!: AddUserOutcome;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => AccountUser, { nullable: true })
  user!: AccountUser | null;
}

@OutputType()
export class AddUsersPayload {
  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Int)
  addedCount!: number;

  @Field(() => [AddUserResult])
  results!: AddUserResult[];
}

@InputType()
export class SetUserRolesInput extends AccountUserTargetInput {
  @Field(() => [RoleAssignmentInput])
  roles!: RoleAssignmentInput[];
}

@InputType()
export class RemoveUserInput extends AccountUserTargetInput {
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Email the removed user.' })
  notify?: boolean | null;
}

@OutputType()
export class RemoveUserPayload {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => [ID], { description: 'The groups the user was taken out of.' })
  removedFromGroups!: string[];
}
