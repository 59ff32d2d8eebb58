import type { AccountEvent, GroupAccess } from '../../src/domain/account';
import type { EventMetadata, StoredEvent } from '../../src/eventstore/port';
import { ACCOUNT } from '../domain/account/fixtures';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const minutes = (n: number): string => new Date(T0 + n * 60_000).toISOString();

/** Stores `events` as one account's stream: revision i, position i + 1, one minute apart, by `actorId`. */
export function asStream(
  events: readonly AccountEvent[],
  meta: (index: number) => Partial<EventMetadata> = () => ({}),
): StoredEvent[] {
  return events.map((event, revision) => ({
    streamId: `account-${ACCOUNT}`,
    revision,
    position: { commit: BigInt(revision + 1), prepare: BigInt(revision + 1) },
    eventId: `event-${revision}`,
    type: event.type,
    occurredAt: minutes(revision),
    data: event.data,
    metadata: {
      actorId: 'alice',
      correlationId: null,
      causationId: null,
      supportCaseId: null,
      ...meta(revision),
    },
  }));
}

/** r1: alice approves dave's USER request with SMART_ACCOUNT_USER. */
export const daveApproved: AccountEvent = {
  type: 'AccessApproved',
  data: {
    accountId: ACCOUNT,
    requestId: 'r1',
    requesterId: 'dave',
    kind: 'USER',
    roles: [{ role: 'SMART_ACCOUNT_USER', virtualAccountId: null }],
    message: null,
    decidedBy: 'alice',
    decidedAt: 'x',
  },
};

/** r2: alice grants group g9 "Auditors" of Globex `access` here. */
export const auditorsGranted = (access: GroupAccess[]): AccountEvent => ({
  type: 'ExternalGroupAccessGranted',
  data: {
    accountId: ACCOUNT,
    requestId: 'r2',
    lookupId: 'AAAAA-BBBBB',
    requesterId: 'erin',
    groupId: 'g9',
    groupName: 'Auditors',
    fromAccountId: 'acc-2',
    fromAccountName: 'Globex',
    access,
    message: null,
    grantedAt: 'x',
    grantedBy: 'alice',
  },
});
