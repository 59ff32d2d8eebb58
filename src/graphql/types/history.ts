import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { OutputType } from './output-type';
import type { JsonObject } from '../../eventstore/port';
import type { AccessPathData } from '../../history/access-reasons';
import { DateTimeScalar, JSONScalar } from '../scalars';
import { AccessRequest } from './access-request';
import { GroupVirtualAccountAccess, RoleAssignment, VirtualAccount } from './account';
import { connectionType } from './connection';

export const AccessPathEnum = {
  DIRECT: 'DIRECT',
  GROUP: 'GROUP',
  EXTERNAL_GROUP: 'EXTERNAL_GROUP',
} as const satisfies { [P in AccessPathData]: P };
registerEnumType(AccessPathEnum, { name: 'AccessPath' });

@InputType()
export class HistoryFilter {
  @Field(() => [String], {
    nullable: true,
    description: 'Event type names, e.g. ["UserAdded", "AccessApproved"].',
  })
  types?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only events caused by this user.' })
  actorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only events about this user (as subject).' })
  subjectUserId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  from?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  to?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  newestFirst?: boolean | null;
}

@OutputType({ description: "One user's effective access before and after a change." })
export class AccessChange {
  @Field(() => ID)
  userId!: string;

  @Field(() => [RoleAssignment])
  before!: RoleAssignment[];

  @Field(() => [RoleAssignment])
  after!: RoleAssignment[];
}

@OutputType()
export class HistoryEntry {
  @Field(() => Int, { description: "Position of the event in the account's stream (0-based)." })
  revision!: number;

  @Field(() => String, { description: 'Opaque global position in the whole log.' })
  position!: string;

  @Field(() => ID)
  eventId!: string;

  @Field(() => String)
  type!: string;

  @Field(() => DateTimeScalar)
  occurredAt!: string;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Set when licensing support acted on the account, with the support case it acted under.',
  })
  supportCaseId!: string | null;

  @Field(() => String, {
    description:
      "One line a person can read, e.g. 'alice changed bob's roles from SMART_ACCOUNT_VIEWER to SMART_ACCOUNT_USER'.",
  })
  summary!: string;

  @Field(() => ID, { nullable: true, description: 'The user the event is about, when there is one.' })
  subjectUserId!: string | null;

  @Field(() => [AccessChange], {
    description:
      "Every user whose effective access this event changed, with their effective roles just before and just after it; empty when no one's access changed.",
  })
  accessChanges!: AccessChange[];

  @Field(() => JSONScalar)
  data!: JsonObject;
}

export const HistoryConnection = connectionType(HistoryEntry, 'History');

@OutputType({
  description: "Who gained, lost or changed access between two moments of an account's history.",
})
export class SmartAccountDiff {
  @Field(() => ID)
  accountId!: string;

  @Field(() => DateTimeScalar)
  from!: string;

  @Field(() => DateTimeScalar)
  to!: string;

  @Field(() => Int, {
    description: 'Revisions of the last events included at `from` and at `to` (-1: none yet).',
  })
  fromRevision!: number;

  @Field(() => Int)
  toRevision!: number;

  @Field(() => [AccessChange], {
    description: 'Only users whose effective roles differ between the two moments, ordered by user ID.',
  })
  changes!: AccessChange[];
}

@OutputType()
export class SnapshotUser {
  @Field(() => ID)
  userId!: string;

  @Field(() => [RoleAssignment])
  directRoles!: RoleAssignment[];

  @Field(() => [RoleAssignment])
  effectiveRoles!: RoleAssignment[];

  @Field(() => [ID])
  groupIds!: string[];
}

@OutputType()
export class SnapshotGroup {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [ID])
  memberIds!: string[];

  @Field(() => [GroupVirtualAccountAccess])
  virtualAccountAccess!: GroupVirtualAccountAccess[];
}

@OutputType({
  description: 'The account as it was at a point in its history, rebuilt by replaying its events.',
})
export class SmartAccountSnapshot {
  @Field(() => ID)
  accountId!: string;

  @Field(() => DateTimeScalar)
  asOf!: string;

  @Field(() => Int, { description: 'Revision of the last event included.' })
  revision!: number;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  domainIdentifier!: string;

  @Field(() => [VirtualAccount])
  virtualAccounts!: VirtualAccount[];

  @Field(() => [SnapshotUser])
  users!: SnapshotUser[];

  @Field(() => [SnapshotGroup])
  groups!: SnapshotGroup[];
}

@OutputType({ description: "One effective role of a user, explained from the account's history." })
export class AccessReason {
  @Field(() => RoleAssignment, {
    description:
      'The role, with `viaGroup` set when it comes through a group (of this account, or of another account through an external grant).',
  })
  role!: RoleAssignment;

  @Field(() => AccessPathEnum, { description: 'How the role reaches the user.' })
  path!: AccessPathData;

  @Field(() => [HistoryEntry], {
    description:
      'The events that together give this role, oldest first: e.g. UserAdded, or GroupMembersAdded + GroupAccessChanged, or ExternalGroupAccessGranted.',
  })
  grantedBy!: HistoryEntry[];

  @Field(() => AccessRequest, {
    nullable: true,
    description: 'The approved access request this role came from, if any.',
  })
  accessRequest!: AccessRequest | null;
}
