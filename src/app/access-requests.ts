import { randomUUID } from 'node:crypto';
import type { AccessRequestQueries } from '../../projections/access-requests';
import { authorize, domainReservationDecider, domainReservationStreamId, lookup } from '../domain/account';
import { DomainError, notFound } from '../domain/errors';
import type { AccountAccess } from './account-access';
import type { AccountCommandBody, RunAccountCommand } from './account-commands';
import type { SignedInCaller } from './caller';
import type { CommandRunner } from './command-runner';
import { newLookupId } from './lookup-id';
import { inProcessRateLimiter, type RateLimiterFactory, type RateLimits } from './rate-limiter';

/** New requests (person and group) one person may file per hour. */
export const ACCESS_REQUESTS_PER_HOUR = 20;

export interface AccessRequestDeps {
  runner: CommandRunner;
  runAccountCommand: RunAccountCommand;
  access: AccountAccess;
  requests: AccessRequestQueries;
  reminderIntervalSeconds: number;
  /** Where the hourly cap counts (default: in this process). */
  rateLimiter?: RateLimiterFactory;
}

/** Access requests: the use cases that find their account first (by domain identifier or request). */
export class AccessRequestCommands {
  private readonly newRequests: RateLimits;

  constructor(private readonly deps: AccessRequestDeps) {
    const limiter = deps.rateLimiter ?? inProcessRateLimiter;
    this.newRequests = limiter('access-requests', ACCESS_REQUESTS_PER_HOUR, 3600_000);
  }

  /** The account a domain identifier belongs to, from its reservation (always up to date). */
  async accountIdFor(domainIdentifier: string): Promise<string> {
    const reservation = await this.deps.runner.state(
      domainReservationDecider,
      domainReservationStreamId(domainIdentifier.trim()),
    );
    if (!reservation.reservedBy) throw notFound('No Smart Account has this domain identifier');
    return reservation.reservedBy;
  }

  async requestAccess(caller: SignedInCaller, domainIdentifier: string, reason: string): Promise<string> {
    await this.countNewRequest(caller);
    const accountId = await this.accountIdFor(domainIdentifier);
    const requestId = randomUUID();
    await this.deps.runAccountCommand(caller, accountId, {
      type: 'RequestAccess',
      data: {
        requestId,
        lookupId: newLookupId(),
        reason,
        reminderIntervalSeconds: this.deps.reminderIntervalSeconds,
      },
    });
    return requestId;
  }

  async requestGroupAccess(
    caller: SignedInCaller,
    input: { accountId: string; groupId: string; domainIdentifier: string; reason: string },
  ): Promise<string> {
    const own = await this.deps.access.state(input.accountId);
    authorize(
      own,
      caller.actor,
      'requestGroupAccess',
      await this.deps.access.externalRolesFor(caller.actor.userId, own),
    );
    const group = lookup(own.groups, input.groupId);
    if (!group) throw notFound('User group not found');
    await this.countNewRequest(caller);
    const targetId = await this.accountIdFor(input.domainIdentifier);
    const requestId = randomUUID();
    await this.deps.runAccountCommand(caller, targetId, {
      type: 'RequestGroupAccess',
      data: {
        requestId,
        lookupId: newLookupId(),
        reason: input.reason,
        reminderIntervalSeconds: this.deps.reminderIntervalSeconds,
        requestingAccountId: own.accountId,
        requestingAccountName: own.name,
        requestingGroupId: group.id,
        requestingGroupName: group.name,
      },
    });
    return requestId;
  }

  /** Runs a command on the account that holds the request. */
  async onRequest(caller: SignedInCaller, requestId: string, body: AccountCommandBody): Promise<void> {
    const doc = await this.deps.requests.byId(requestId);
    if (!doc) throw notFound('Access request not found');
    await this.deps.runAccountCommand(caller, doc.accountId, body);
  }

  private async countNewRequest(caller: SignedInCaller): Promise<void> {
    const verdict = await this.newRequests.take(caller.actor.userId, Date.now());
    if (!verdict.allowed) {
      throw new DomainError('RATE_LIMITED', `At most ${ACCESS_REQUESTS_PER_HOUR} access requests an hour`, {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
  }
}
