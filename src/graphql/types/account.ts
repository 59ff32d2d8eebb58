import { Field, ID, Int } from 'type-graphql';
import { OutputType } from './output-type';
import type { AccountDoc, AccountUserDoc, GroupDoc, VirtualAccountDoc } from '../../../projections/accounts';
import type { EffectiveRoleAssignment } from '../../domain/account/permissions';
import type { RoleAssignment as RoleAssignmentData } from '../../domain/account';
import type { Role } from '../../domain/account/roles';
import type { ProfileDoc } from '../../../projections/profiles';
import { DateTimeScalar } from '../scalars';
import { connectionType } from './connection';
import { Profile } from './profile';
import { RoleEnum } from './roles';

/** What Virtual Accounts and groups have in common: an ID, a name and an optional description. */
@OutputType()
abstract class NamedItem {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@OutputType()
export class VirtualAccount extends NamedItem {
  @Field(() => Boolean)
  isDefault!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  static from(doc: VirtualAccountDoc): VirtualAccount {
    return Object.assign(new VirtualAccount(), doc);
  }
}

/** What the caller may read of one account, decided once when the account is resolved. */
export interface AccountAccess {
  readMembers: boolean;
  readAccessRequests: boolean;
  myRoles: EffectiveRoleAssignment[];
}

@OutputType()
export class SmartAccount {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, {
    description:
      'Unique, case-insensitive, domain-like (e.g. example.com); how others find the account to request access.',
  })
  domainIdentifier!: string;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => [VirtualAccount])
  virtualAccounts!: VirtualAccount[];

  doc!: AccountDoc;
  access!: AccountAccess;

  static from(doc: AccountDoc, access: AccountAccess): SmartAccount {
    return Object.assign(new SmartAccount(), {
      id: doc.id,
      name: doc.name,
      domainIdentifier: doc.domainIdentifier,
      createdAt: doc.createdAt,
      virtualAccounts: doc.virtualAccounts.map(VirtualAccount.from),
      doc,
      access,
    });
  }
}

@OutputType()
export class GroupVirtualAccountAccess {
  @Field(() => VirtualAccount)
  virtualAccount!: VirtualAccount;

  @Field(() => RoleEnum, {
    description: 'One of VIRTUAL_ACCOUNT_ADMIN, VIRTUAL_ACCOUNT_USER, VIRTUAL_ACCOUNT_VIEWER.',
  })
  role!: Role;
}

@OutputType()
export class UserGroup extends NamedItem {
  @Field(() => Int)
  memberCount!: number;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  doc!: GroupDoc;
  account!: AccountDoc;
  /**
   * May the caller list the members? Only with `readMembers`; a member without it still sees
   * the group their roles come through (`myRoles.viaGroup`), but not who else is in it.
   */
  membersReadable!: boolean;

  static from(doc: GroupDoc, account: AccountDoc, membersReadable: boolean): UserGroup {
    return Object.assign(new UserGroup(), {
      id: doc.id,
      name: doc.name,
      description: doc.description,
      memberCount: doc.memberIds.length,
      createdAt: doc.createdAt,
      doc,
      account,
      membersReadable,
    });
  }
}

@OutputType()
export class RoleAssignment {
  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => VirtualAccount, {
    nullable: true,
    description: 'Null for a role over the entire Smart Account.',
  })
  virtualAccount!: VirtualAccount | null;

  @Field(() => UserGroup, {
    nullable: true,
    description: 'The group this role comes through; null when assigned to the user directly.',
  })
  viaGroup!: UserGroup | null;

  /** A role of `account`, given directly (`viaGroup` null) or through a group. */
  static of(account: AccountDoc, assignment: RoleAssignmentData, viaGroup: UserGroup | null): RoleAssignment {
    const virtualAccount = assignment.virtualAccountId
      ? account.virtualAccounts.find((va) => va.id === assignment.virtualAccountId)
      : undefined;
    const role = new RoleAssignment();
    role.role = assignment.role;
    role.virtualAccount = virtualAccount ? VirtualAccount.from(virtualAccount) : null;
    role.viaGroup = viaGroup;
    return role;
  }
}

@OutputType()
export class AccountUser {
  @Field(() => DateTimeScalar)
  addedAt!: string;

  @Field(() => ID, { nullable: true })
  addedBy!: string | null;

  doc!: AccountUserDoc;
  account!: AccountDoc;

  // Plain fields set once, not getters: type-graphql wraps a getter field in a resolver of its own
  // (middlewares, a copy of the object), which on a 50-user page cost more than building these.
  /** Null only when the read models disagree: the API then answers an internal error at this path. */
  @Field(() => Profile)
  profile!: Profile | null;

  @Field(() => [RoleAssignment])
  directRoles!: RoleAssignment[];

  // Fields set one by one (here and in `RoleAssignment.of`): `Object.assign(new X(), literal)`
  // measured five times slower for the 50 users of a page and their roles.
  static from(doc: AccountUserDoc, account: AccountDoc, profileDoc: ProfileDoc | undefined): AccountUser {
    const user = new AccountUser();
    user.addedAt = doc.addedAt;
    user.addedBy = doc.addedBy;
    user.doc = doc;
    user.account = account;
    // The read model's frozen document itself: a profile's fields are plain, nothing to copy.
    user.profile = profileDoc ?? null;
    user.directRoles = doc.directRoles.map((assignment) => RoleAssignment.of(account, assignment, null));
    return user;
  }
}

export const AccountUserConnection = connectionType(AccountUser, 'AccountUser');
export const UserGroupConnection = connectionType(UserGroup, 'UserGroup');
