import type { AccessRequestQueries } from '../../projections/access-requests';
import type { AccountQueries } from '../../projections/accounts';
import {
  accountDecider,
  accountStreamId,
  can,
  effectiveRoles,
  externalRolesOf,
  lookup,
  type AccountState,
  type EffectiveRoleAssignment,
  type GroupMembership,
} from '../domain/account';
import type { Actor } from '../domain/decider';
import type { CommandRunner } from './command-runner';

export interface AccountReadAccess {
  state: AccountState;
  readMembers: boolean;
  readAccessRequests: boolean;
  myRoles: EffectiveRoleAssignment[];
  /** Roles the caller holds through other accounts' groups granted access here. */
  externalRoles: EffectiveRoleAssignment[];
}

/** What a person may see of accounts: the parts that need more than one stream or the read models. */
export class AccountAccess {
  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountQueries,
    private readonly accessRequests: AccessRequestQueries,
  ) {}

  /** The account's current state. Use it at once: a later command may evolve the same object. */
  state(accountId: string): Promise<AccountState> {
    return this.runner.state(accountDecider, accountStreamId(accountId));
  }

  /** The account's state and what `actor` may read of it; null when they may not read it at all. */
  async readAccess(actor: Actor, accountId: string): Promise<AccountReadAccess | null> {
    const state = await this.state(accountId);
    const externalRoles = await this.externalRolesFor(actor.userId, state);
    if (!can(state, actor, 'readAccount', externalRoles)) return null;
    return {
      state,
      readMembers: can(state, actor, 'readMembers', externalRoles),
      readAccessRequests: can(state, actor, 'readAccessRequests', externalRoles),
      myRoles: effectiveRoles(state, actor.userId, externalRoles),
      externalRoles,
    };
  }

  /**
   * Roles a user holds in `state`'s account through groups of other accounts that were
   * granted access. Membership is read from each group's own account, so leaving the group,
   * or its deletion, ends the access at once.
   */
  async externalRolesFor(userId: string, state: AccountState): Promise<EffectiveRoleAssignment[]> {
    const fromAccounts = new Map<string, AccountState>();
    for (const grant of Object.values(state.externalGrants)) {
      if (!fromAccounts.has(grant.fromAccountId)) {
        fromAccounts.set(grant.fromAccountId, await this.state(grant.fromAccountId));
      }
    }
    return externalRolesOf(state, (fromAccountId, groupId) => {
      const from = fromAccounts.get(fromAccountId);
      const group = from ? lookup(from.groups, groupId) : undefined;
      return group !== undefined && group.memberIds.includes(userId);
    });
  }

  /** The groups (of any account) the user is a member of, from the read models. */
  async groupMembershipsOf(userId: string): Promise<GroupMembership[]> {
    const memberships: GroupMembership[] = [];
    for (const accountId of await this.accounts.accountIdsOf(userId)) {
      const user = await this.accounts.user(accountId, userId);
      for (const groupId of user?.groupIds ?? []) memberships.push({ accountId, groupId });
    }
    return memberships;
  }

  /**
   * The accounts a user belongs to, and those their groups were granted access to (which
   * `readAccess` confirms against the group's current membership).
   */
  async accountIdsOf(userId: string): Promise<string[]> {
    const own = await this.accounts.accountIdsOf(userId);
    const ids = new Set(own);
    for (const accountId of own) {
      const user = await this.accounts.user(accountId, userId);
      for (const groupId of user?.groupIds ?? []) {
        for (const grant of await this.accessRequests.grantsOfGroup(accountId, groupId)) {
          ids.add(grant.toAccountId);
        }
      }
    }
    return [...ids];
  }
}
