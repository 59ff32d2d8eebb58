import type { AccessRequestQueries } from '../../../projections/access-requests';
import type { RevokeDeletedGroupGrantCommand } from '../../domain/account';
import { SYSTEM_ACTOR } from '../../domain/decider';
import type { StoredEvent } from '../../eventstore/port';
import type { Reactor } from './reactor';

export interface RevokeGrant {
  /** The account that granted the deleted group access. */
  accountId: string;
  command: RevokeDeletedGroupGrantCommand;
}

/**
 * Deleting a group revokes the grants it held in other accounts. Its access there ends with
 * the deletion already (membership is read from the group's own account); the revocation
 * records it in those accounts' histories, at the deletion's time and under its request.
 * The command is a no-op once done, so the start-up replay may send it again: that makes up
 * for a revocation a crash interrupted.
 */
export function revokeGrantsOfDeletedGroups(
  grants: AccessRequestQueries,
  readsFrom: string,
): Reactor<RevokeGrant> {
  return {
    name: 'revoke-grants-of-deleted-groups',
    readsFrom,
    async react(events: readonly StoredEvent[]): Promise<RevokeGrant[]> {
      const out: RevokeGrant[] = [];
      for (const event of events) {
        if (event.type !== 'GroupDeleted') continue;
        const fromAccountId = String(event.data.accountId);
        const groupId = String(event.data.groupId);
        for (const grant of await grants.grantsOfGroup(fromAccountId, groupId)) {
          out.push({
            accountId: grant.toAccountId,
            command: {
              type: 'RevokeDeletedGroupGrant',
              data: { groupId, fromAccountId },
              metadata: {
                actor: SYSTEM_ACTOR,
                at: event.occurredAt,
                correlationId: event.metadata.correlationId,
              },
            },
          });
        }
      }
      return out;
    },
  };
}
