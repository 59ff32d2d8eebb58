import { randomUUID } from 'node:crypto';
import { groupGrantsKey, type ExternalGrantDoc } from '../../projections/access-requests';
import { accountUserKey, userAccountsKey, type AccountUserDoc } from '../../projections/accounts';
import { profileKey, profilesByEmailKey, type ProfileDoc } from '../../projections/profiles';
import {
  accountDecider,
  accountStreamId,
  can,
  domainReservationDecider,
  domainReservationStreamId,
  effectiveRoles,
  externalRolesOf,
  initialAccountState,
  lookup,
  type AccountCommand,
  type AccountState,
  type AddUsersEntry,
  type EffectiveRoleAssignment,
} from '../domain/account';
import type { Actor } from '../domain/decider';
import type { Caller } from './services';
import type { AppServices } from './services';
import type { UserEntry } from './user-entries';

/** An account command without who and when: the application adds the actor, the time and external roles. */
export type AccountCommandInput<C = AccountCommand> = C extends AccountCommand
  ? Omit<C, 'actor' | 'at' | 'actorExternalRoles'>
  : never;

export interface AccountReadAccess {
  state: AccountState;
  readMembers: boolean;
  readAccessRequests: boolean;
  myRoles: EffectiveRoleAssignment[];
  /** Roles the caller holds through other accounts' groups granted access here. */
  externalRoles: EffectiveRoleAssignment[];
}

/** Account use cases that need more than one stream or the read models. */
export class AccountService {
  constructor(private readonly app: AppServices) {}

  /**
   * Reserves the domain identifier (one stream per lower-cased identifier, appended only if
   * it does not exist, so concurrent creations cannot both win), then creates the account.
   * The command is checked against an empty account first, so bad input reserves nothing.
   */
  async createSmartAccount(
    caller: Caller & { actor: Actor },
    input: { name: string; domainIdentifier: string },
  ) {
    const accountId = randomUUID();
    const at = this.app.now();
    const command = {
      type: 'CreateSmartAccount' as const,
      actor: caller.actor,
      at,
      accountId,
      name: input.name,
      domainIdentifier: input.domainIdentifier,
      defaultVirtualAccountId: randomUUID(),
    };
    accountDecider.decide(command, initialAccountState());
    await this.app.execute(
      domainReservationDecider,
      domainReservationStreamId(input.domainIdentifier.trim()),
      { type: 'Reserve', accountId, domainIdentifier: input.domainIdentifier.trim(), at },
      caller,
      at,
    );
    await this.app.execute(accountDecider, accountStreamId(accountId), command, caller, at);
    return accountId;
  }

  /**
   * Runs a command on an account, with the roles the actor holds there through other
   * accounts' groups (which only the application can work out).
   */
  async run(caller: Caller, accountId: string, command: AccountCommand) {
    const streamId = accountStreamId(accountId);
    const state = await this.app.state(accountDecider, streamId);
    const actorExternalRoles = await this.externalRolesFor(command.actor.userId, state);
    return this.app.execute(accountDecider, streamId, { ...command, actorExternalRoles }, caller);
  }

  /** The account's state and what `actor` may read of it; null when they may not read it at all. */
  async readAccess(actor: Actor, accountId: string): Promise<AccountReadAccess | null> {
    const state = await this.app.state(accountDecider, accountStreamId(accountId));
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
        fromAccounts.set(
          grant.fromAccountId,
          await this.app.state(accountDecider, accountStreamId(grant.fromAccountId)),
        );
      }
    }
    return externalRolesOf(state, (fromAccountId, groupId) => {
      const from = fromAccounts.get(fromAccountId);
      const group = from ? lookup(from.groups, groupId) : undefined;
      return group !== undefined && group.memberIds.includes(userId);
    });
  }

  /**
   * The accounts a user belongs to, and those their groups were granted access to (which
   * `readAccess` confirms against the group's current membership).
   */
  async accountIdsOf(userId: string): Promise<string[]> {
    const own = (await this.app.reads.get<string[]>(userAccountsKey(userId))) ?? [];
    const ids = new Set(own);
    for (const accountId of own) {
      const user = await this.app.reads.get<AccountUserDoc>(accountUserKey(accountId, userId));
      for (const groupId of user?.groupIds ?? []) {
        for (const grant of (await this.app.reads.get<ExternalGrantDoc[]>(
          groupGrantsKey(accountId, groupId),
        )) ?? []) {
          ids.add(grant.toAccountId);
        }
      }
    }
    return [...ids];
  }

  /** Resolves typed-in or CSV entries to active profiles (by user ID or email). */
  async resolveEntries(entries: readonly UserEntry[]): Promise<AddUsersEntry[]> {
    const byUserId = entries.filter((entry) => entry.kind === 'userId').map((entry) => entry.key);
    const profiles = await this.app.reads.getMany<ProfileDoc>(byUserId.map(profileKey));
    const activeById = new Map<string, boolean>();
    byUserId.forEach((userId, index) => activeById.set(userId, profiles[index]?.active === true));
    const byEmail = new Map<string, string | null>();
    for (const entry of entries) {
      if (entry.kind !== 'email' || byEmail.has(entry.key)) continue;
      byEmail.set(entry.key, await this.activeUserWithEmail(entry.key));
    }
    return entries.map((entry): AddUsersEntry => {
      if (entry.kind === 'invalid') {
        return {
          input: entry.input,
          line: entry.line,
          userId: null,
          problem: 'INVALID',
          message: entry.message,
        };
      }
      const userId =
        entry.kind === 'email'
          ? (byEmail.get(entry.key) ?? null)
          : activeById.get(entry.key)
            ? entry.key
            : null;
      return userId === null
        ? { input: entry.input, line: entry.line, userId: null, problem: 'NOT_FOUND' }
        : { input: entry.input, line: entry.line, userId, problem: null };
    });
  }

  private async activeUserWithEmail(email: string): Promise<string | null> {
    const members = await this.app.reads.sortedRange(profilesByEmailKey(email), { limit: 10 });
    const profiles = await this.app.reads.getMany<ProfileDoc>(members.map((m) => profileKey(m.member)));
    const active = profiles.filter((profile): profile is ProfileDoc => profile?.active === true);
    // Two active profiles with one email: the address does not say who is meant.
    return active.length === 1 ? active[0].userId : null;
  }
}
