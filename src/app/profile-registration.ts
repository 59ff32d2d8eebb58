import type { Claims } from '../auth/claims';
import { profileDecider, profileStreamId } from '../domain/profile/decider';
import { commandMetadata } from './caller';
import type { CommandRunner } from './command-runner';

type SyncedClaims = Pick<Claims, 'email' | 'name' | 'company'>;

/**
 * Registers the caller's profile on first sight and follows changed claims. Remembers the
 * claims it last synced per user, so an unchanged token costs no event-store read.
 */
export class ProfileRegistration {
  private readonly synced = new Map<string, SyncedClaims>();

  constructor(
    private readonly runner: CommandRunner,
    private readonly clock: () => Date,
  ) {}

  async ensure(claims: Claims, correlationId: string | null): Promise<void> {
    const last = this.synced.get(claims.sub);
    if (last && last.email === claims.email && last.name === claims.name && last.company === claims.company)
      return;
    const fields: SyncedClaims = { email: claims.email, name: claims.name, company: claims.company };
    const actor = { userId: claims.sub, platformRoles: claims.roles, supportCaseId: null };
    await this.runner.execute(profileDecider, profileStreamId(claims.sub), {
      type: 'SyncProfileFromToken',
      data: { userId: claims.sub, claims: fields },
      metadata: commandMetadata({ actor, correlationId }, this.clock),
    });
    if (this.synced.size >= 100_000) this.synced.clear();
    this.synced.set(claims.sub, fields);
  }
}
