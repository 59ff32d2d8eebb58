import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { OutputType } from './output-type';
import { GroupTargetInput } from './target-inputs';
import type {
  AccessRequestDoc,
  AccessRequestStatus,
  ExternalGrantDoc,
} from '../../../projections/access-requests';
import { DateTimeScalar } from '../scalars';
import { GroupVirtualAccountAccess } from './account';
import { connectionType } from './connection';
import { GroupVirtualAccountAccessInput, RoleAssignmentInput } from './roles';

export const AccessRequestStatusEnum = {
  PENDING: 'PENDING',
  APPROVED: 'APPROVED',
  DECLINED: 'DECLINED',
  CANCELLED: 'CANCELLED',
} as const satisfies { [S in AccessRequestStatus]: S };
registerEnumType(AccessRequestStatusEnum, { name: 'AccessRequestStatus' });

export const AccessRequestKindEnum = { USER: 'USER', GROUP: 'GROUP' } as const;
registerEnumType(AccessRequestKindEnum, {
  name: 'AccessRequestKind',
  valuesConfig: {
    USER: { description: 'A person asks for access to a Smart Account.' },
    GROUP: { description: 'A user group of one Smart Account asks for access to another.' },
  },
});

@OutputType()
export class AccessRequest {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    description: "Short human-readable code sent to the target account's administrators by email.",
  })
  lookupId!: string;

  @Field(() => AccessRequestKindEnum)
  kind!: 'USER' | 'GROUP';

  @Field(() => AccessRequestStatusEnum)
  status!: AccessRequestStatus;

  @Field(() => String)
  reason!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'For GROUP requests: the requesting group and its account.',
  })
  requestingGroupId!: string | null;

  @Field(() => ID, { nullable: true })
  requestingAccountId!: string | null;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String)
  accountName!: string;

  @Field(() => String)
  domainIdentifier!: string;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;

  @Field(() => Int)
  remindersSent!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  lastReminderAt!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the requester may send the next reminder; null when no reminder can be sent.',
  })
  nextReminderAllowedAt!: string | null;

  @Field(() => ID, { nullable: true })
  decidedBy!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  decidedAt!: string | null;

  @Field(() => String, { nullable: true })
  decisionMessage!: string | null;

  doc!: AccessRequestDoc;

  static from(doc: AccessRequestDoc): AccessRequest {
    return Object.assign(new AccessRequest(), { ...doc, doc });
  }
}

export const AccessRequestConnection = connectionType(AccessRequest, 'AccessRequest');

@OutputType({ description: 'A group of one Smart Account given access to another Smart Account.' })
export class ExternalGroupGrant {
  @Field(() => ID)
  groupId!: string;

  @Field(() => String)
  groupName!: string;

  @Field(() => ID)
  fromAccountId!: string;

  @Field(() => String)
  fromAccountName!: string;

  @Field(() => ID)
  toAccountId!: string;

  @Field(() => String)
  toAccountName!: string;

  @Field(() => [GroupVirtualAccountAccess])
  access!: GroupVirtualAccountAccess[];

  @Field(() => DateTimeScalar)
  grantedAt!: string;

  @Field(() => ID)
  grantedBy!: string;

  doc!: ExternalGrantDoc;
}

@InputType()
export class RequestAccessInput {
  @Field(() => String)
  domainIdentifier!: string;

  @Field(() => String)
  reason!: string;
}

@InputType()
export class RequestGroupAccessInput {
  @Field(() => ID, { description: "The requesting group's own account and the group." })
  accountId!: string;

  @Field(() => ID)
  groupId!: string;

  @Field(() => String, { description: 'The Smart Account the group wants access to.' })
  domainIdentifier!: string;

  @Field(() => String)
  reason!: string;
}

@InputType()
export class ApproveAccessRequestInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => [RoleAssignmentInput], {
    nullable: true,
    description: 'For USER requests: the roles the requester gets.',
  })
  roles?: RoleAssignmentInput[] | null;

  @Field(() => String, { nullable: true })
  message?: string | null;
}

@InputType()
export class DeclineAccessRequestInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => String, { nullable: true })
  message?: string | null;
}

@InputType()
export class GrantExternalGroupAccessInput {
  @Field(() => ID, { description: "The account granting access (the request's target)." })
  accountId!: string;

  @Field(() => String, { description: 'The lookup ID from the request email.' })
  lookupId!: string;

  @Field(() => [GroupVirtualAccountAccessInput])
  access!: GroupVirtualAccountAccessInput[];

  @Field(() => String, { nullable: true })
  message?: string | null;
}

@InputType()
export class RevokeExternalGroupAccessInput extends GroupTargetInput {}
