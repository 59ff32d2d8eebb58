import { randomUUID } from 'node:crypto';
import {
  accessRequestKey,
  groupGrantsKey,
  type AccessRequestDoc,
  type ExternalGrantDoc,
} from '../../projections/access-requests';
import {
  accountDecider,
  accountStreamId,
  authorize,
  domainReservationDecider,
  domainReservationStreamId,
  lookup,
  type AccountCommand,
} from '../domain/account';
import type { Actor } from '../domain/decider';
import { DomainError, notFound } from '../domain/errors';
import type { AccountCommandInput } from './accounts';
import { newLookupId } from './lookup-id';
import { RateLimiter } from './rate-limiter';
import type { AppServices, Caller } from './services';

type SignedInCaller = Caller & { actor: Actor };

/** New requests (person and group) one person may file per hour. */
export const ACCESS_REQUESTS_PER_HOUR = 20;

/** Access requests and external group grants: the use cases that span accounts. */
export class AccessRequestService {
  private readonly newRequests = new RateLimiter(ACCESS_REQUESTS_PER_HOUR, 3600_000);

  constructor(private readonly app: AppServices) {}

  /** The account a domain identifier belongs to, from its reservation (always up to date). */
  async accountIdFor(domainIdentifier: string): Promise<string> {
    const reservation = await this.app.state(
      domainReservationDecider,
      domainReservationStreamId(domainIdentifier.trim()),
    );
    if (!reservation.reservedBy) throw notFound('No Smart Account has this domain identifier');
    return reservation.reservedBy;
  }

  async requestAccess(caller: SignedInCaller, domainIdentifier: string, reason: string): Promise<string> {
    this.countNewRequest(caller.actor);
    const accountId = await this.accountIdFor(domainIdentifier);
    const requestId = randomUUID();
    await this.run(caller, accountId, {
      type: 'RequestAccess',
      requestId,
      lookupId: newLookupId(),
      reason,
      reminderIntervalSeconds: this.app.config.accessReminderIntervalSeconds,
    });
    return requestId;
  }

  async requestGroupAccess(
    caller: SignedInCaller,
    input: { accountId: string; groupId: string; domainIdentifier: string; reason: string },
  ): Promise<string> {
    const own = await this.app.state(accountDecider, accountStreamId(input.accountId));
    authorize(
      own,
      caller.actor,
      'requestGroupAccess',
      await this.app.accounts.externalRolesFor(caller.actor.userId, own),
    );
    const group = lookup(own.groups, input.groupId);
    if (!group) throw notFound('User group not found');
    this.countNewRequest(caller.actor);
    const targetId = await this.accountIdFor(input.domainIdentifier);
    const requestId = randomUUID();
    await this.run(caller, targetId, {
      type: 'RequestGroupAccess',
      requestId,
      lookupId: newLookupId(),
      reason: input.reason,
      reminderIntervalSeconds: this.app.config.accessReminderIntervalSeconds,
      requestingAccountId: own.accountId,
      requestingAccountName: own.name,
      requestingGroupId: group.id,
      requestingGroupName: group.name,
    });
    return requestId;
  }

  /** Runs a command on the account that holds the request. */
  async onRequest(caller: SignedInCaller, requestId: string, command: AccountCommandInput): Promise<void> {
    const doc = await this.app.reads.get<AccessRequestDoc>(accessRequestKey(requestId));
    if (!doc) throw notFound('Access request not found');
    await this.run(caller, doc.accountId, command);
  }

  private run(caller: SignedInCaller, accountId: string, command: AccountCommandInput) {
    return this.app.accounts.run(caller, accountId, {
      ...command,
      actor: caller.actor,
      at: this.app.now(),
    } as AccountCommand);
  }

  /** Revokes the grants a deleted group held elsewhere (its access already ended with it). */
  async revokeGrantsOfDeletedGroup(fromAccountId: string, groupId: string): Promise<void> {
    const grants =
      (await this.app.reads.get<ExternalGrantDoc[]>(groupGrantsKey(fromAccountId, groupId))) ?? [];
    for (const grant of grants) {
      await this.app.execute(
        accountDecider,
        accountStreamId(grant.toAccountId),
        {
          type: 'RevokeDeletedGroupGrant',
          actor: { userId: 'system', platformRoles: [], supportCaseId: null },
          at: this.app.now(),
          groupId,
          fromAccountId,
        },
        { actor: null, correlationId: null },
      );
    }
  }

  private countNewRequest(actor: Actor): void {
    const verdict = this.newRequests.take(actor.userId, Date.now());
    if (!verdict.allowed) {
      throw new DomainError('RATE_LIMITED', `At most ${ACCESS_REQUESTS_PER_HOUR} access requests an hour`, {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
  }
}
