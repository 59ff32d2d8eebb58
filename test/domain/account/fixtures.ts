import type { Actor } from '../../../src/domain/decider';
import {
  accountDecider,
  type AccountEvent,
  type GroupAccess,
  type Role,
  type RoleAssignment,
  type VirtualAccountRole,
} from '../../../src/domain/account';
import { specFor } from '../../support/decider-spec';

export const given = specFor(accountDecider);

export const at = '2026-01-01T00:00:00.000Z';
export const ACCOUNT = 'acc-1';
export const DEFAULT_VA = 'va-default';
export const SALES_VA = 'va-sales';
export const OPS_VA = 'va-ops';

export const actor = (userId: string, more: Partial<Actor> = {}): Actor => ({
  userId,
  platformRoles: [],
  supportCaseId: null,
  ...more,
});
export const alice = actor('alice');

export const whole = (role: Role): RoleAssignment => ({ role, virtualAccountId: null });
export const on = (role: VirtualAccountRole, virtualAccountId: string): RoleAssignment => ({
  role,
  virtualAccountId,
});

export const userAdded = (userId: string, roles: RoleAssignment[], addedBy = 'alice'): AccountEvent => ({
  type: 'UserAdded',
  data: { accountId: ACCOUNT, userId, roles, notify: false, addedAt: at, addedBy },
});

export const virtualAccountCreated = (
  virtualAccountId: string,
  name: string,
  isDefault = false,
): AccountEvent => ({
  type: 'VirtualAccountCreated',
  data: { accountId: ACCOUNT, virtualAccountId, name, description: null, isDefault, createdAt: at },
});

export const groupCreated = (
  groupId: string,
  name: string,
  memberIds: string[],
  access: GroupAccess[],
): AccountEvent => ({
  type: 'GroupCreated',
  data: { accountId: ACCOUNT, groupId, name, description: null, memberIds, access, createdAt: at },
});

/** alice created acc-1 (Default VA) and is its only SMART_ACCOUNT_ADMIN. */
export const created: AccountEvent[] = [
  {
    type: 'SmartAccountCreated',
    data: {
      accountId: ACCOUNT,
      name: 'Acme',
      domainIdentifier: 'acme.com',
      createdAt: at,
      createdBy: 'alice',
    },
  },
  virtualAccountCreated(DEFAULT_VA, 'Default', true),
  userAdded('alice', [whole('SMART_ACCOUNT_ADMIN')], 'alice'),
];

/** `created` plus the Sales and Ops Virtual Accounts. */
export const withVirtualAccounts: AccountEvent[] = [
  ...created,
  virtualAccountCreated(SALES_VA, 'Sales'),
  virtualAccountCreated(OPS_VA, 'Ops'),
];

/** Freezes `value` and everything in it, so a test fails if `decide` changes its state. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
