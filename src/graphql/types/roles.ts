import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ROLES, type Role } from '../../domain/account/roles';

export const RoleEnum = Object.fromEntries(ROLES.map((role) => [role, role])) as { [R in Role]: R };

registerEnumType(RoleEnum, {
  name: 'Role',
  description:
    'Account roles. SMART_ACCOUNT_* roles cover the entire Smart Account and take\nno virtual account; VIRTUAL_ACCOUNT_* roles are held on one virtual account.',
  valuesConfig: {
    SMART_ACCOUNT_ADMIN: {
      description: 'Manages every aspect of the Smart Account and its Virtual Accounts.',
    },
    SMART_ACCOUNT_APPROVER: {
      description: "Approves the account's legal agreements; no user or administrator privileges.",
    },
    SMART_ACCOUNT_USER: {
      description:
        'Manages assets in all Virtual Accounts; cannot add or delete Virtual Accounts or manage users.',
    },
    SMART_ACCOUNT_VIEWER: { description: 'View-only access to the whole Smart Account.' },
  },
});

@InputType()
export class RoleAssignmentInput {
  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => ID, {
    nullable: true,
    description: 'Required for VIRTUAL_ACCOUNT_* roles, rejected for SMART_ACCOUNT_* roles.',
  })
  virtualAccountId?: string | null;
}

@InputType()
export class GroupVirtualAccountAccessInput {
  @Field(() => ID)
  virtualAccountId!: string;

  @Field(() => RoleEnum)
  role!: Role;
}
