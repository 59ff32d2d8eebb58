import { randomUUID } from 'node:crypto';
import { profileKey, profilesByEmailKey, type ProfileDoc } from '../../projections/profiles';
import {
  accountDecider,
  accountStreamId,
  can,
  domainReservationDecider,
  domainReservationStreamId,
  effectiveRoles,
  initialAccountState,
  type AccountState,
  type AddUsersEntry,
  type EffectiveRoleAssignment,
} from '../domain/account';
import type { Actor } from '../domain/decider';
import type { Caller } from './services';
import type { AppServices } from './services';
import type { UserEntry } from './user-entries';

export interface AccountReadAccess {
  state: AccountState;
  readMembers: boolean;
  myRoles: EffectiveRoleAssignment[];
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

  /** The account's state and what `actor` may read of it; null when they may not read it at all. */
  async readAccess(actor: Actor, accountId: string): Promise<AccountReadAccess | null> {
    const state = await this.app.state(accountDecider, accountStreamId(accountId));
    if (!can(state, actor, 'readAccount')) return null;
    return {
      state,
      readMembers: can(state, actor, 'readMembers'),
      myRoles: effectiveRoles(state, actor.userId),
    };
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
