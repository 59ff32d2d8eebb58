import type { AccountEvent, GroupAccess, RoleAssignment } from '../../src/domain/account';
import { accountStreamId } from '../../src/domain/account';
import type { EventStore, NewEvent } from '../../src/eventstore/port';

/** What the generator wrote at one revision: enough for a test to work out filters by itself. */
export interface WrittenEvent {
  type: string;
  actorId: string;
  subjects: string[];
  occurredAt: string;
}

export interface LongHistoryOptions {
  accountId: string;
  /** Total events in the account's stream. */
  events: number;
  users?: number;
  groups?: number;
  /** The first event's time; each next one a second later. */
  start?: Date;
  batch?: number;
}

export const LONG_HISTORY_ADMIN = 'admin';
export const LONG_HISTORY_OPS = 'ops';

/**
 * Appends a long, valid account history straight to the event store, in large batches (the
 * API would take minutes): the account with `admin` (SMART_ACCOUNT_ADMIN) and `ops`
 * (SMART_ACCOUNT_ADMIN), `users` viewers, `groups` groups on a Sales Virtual Account, then
 * role changes, membership changes and group access changes in turn, by admin and ops.
 */
export async function appendLongHistory(
  store: EventStore,
  options: LongHistoryOptions,
): Promise<WrittenEvent[]> {
  const { accountId, events: total } = options;
  const userCount = options.users ?? 200;
  const groupCount = options.groups ?? 10;
  const start = (options.start ?? new Date('2025-01-01T00:00:00.000Z')).getTime();
  const batchSize = options.batch ?? 5000;
  const defaultVa = `${accountId}-va-default`;
  const salesVa = `${accountId}-va-sales`;
  const users = Array.from({ length: userCount }, (_, i) => `user-${String(i).padStart(5, '0')}`);
  const groups = Array.from({ length: groupCount }, (_, i) => `${accountId}-group-${i}`);
  const roles = new Map(
    users.map((id) => [id, [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null }] as RoleAssignment[]]),
  );
  const members = new Map(groups.map((id) => [id, new Set<string>()]));
  const access = new Map(
    groups.map((id) => [id, [{ virtualAccountId: salesVa, role: 'VIRTUAL_ACCOUNT_USER' }] as GroupAccess[]]),
  );
  const base = { accountId };
  const at = (revision: number) => new Date(start + revision * 1000).toISOString();

  const setup: AccountEvent[] = [
    {
      type: 'SmartAccountCreated',
      data: {
        ...base,
        name: 'Long',
        domainIdentifier: `${accountId}.example`,
        createdAt: at(0),
        createdBy: LONG_HISTORY_ADMIN,
      },
    },
    {
      type: 'VirtualAccountCreated',
      data: {
        ...base,
        virtualAccountId: defaultVa,
        name: 'Default',
        description: null,
        isDefault: true,
        createdAt: at(1),
      },
    },
    {
      type: 'VirtualAccountCreated',
      data: {
        ...base,
        virtualAccountId: salesVa,
        name: 'Sales',
        description: null,
        isDefault: false,
        createdAt: at(2),
      },
    },
    ...[LONG_HISTORY_ADMIN, LONG_HISTORY_OPS].map((userId, i): AccountEvent => ({
      type: 'UserAdded',
      data: {
        ...base,
        userId,
        roles: [{ role: 'SMART_ACCOUNT_ADMIN', virtualAccountId: null }],
        notify: false,
        addedAt: at(3 + i),
        addedBy: LONG_HISTORY_ADMIN,
      },
    })),
  ];
  const next = (revision: number): AccountEvent => {
    if (revision < setup.length) return setup[revision];
    let k = revision - setup.length;
    if (k < userCount) {
      return {
        type: 'UserAdded',
        data: {
          ...base,
          userId: users[k],
          roles: roles.get(users[k]) ?? [],
          notify: false,
          addedAt: at(revision),
          addedBy: LONG_HISTORY_ADMIN,
        },
      };
    }
    k -= userCount;
    if (k < groupCount) {
      return {
        type: 'GroupCreated',
        data: {
          ...base,
          groupId: groups[k],
          name: `Group ${k}`,
          description: null,
          memberIds: [],
          access: access.get(groups[k]) ?? [],
          createdAt: at(revision),
        },
      };
    }
    k -= groupCount;
    const round = Math.floor(k / 3);
    if (k % 3 === 0) {
      const userId = users[round % userCount];
      const previousRoles = roles.get(userId) ?? [];
      const role =
        previousRoles[0]?.role === 'SMART_ACCOUNT_VIEWER' ? 'SMART_ACCOUNT_USER' : 'SMART_ACCOUNT_VIEWER';
      const next: RoleAssignment[] = [{ role, virtualAccountId: null }];
      roles.set(userId, next);
      return { type: 'UserRolesChanged', data: { ...base, userId, roles: next, previousRoles } };
    }
    if (k % 3 === 1) {
      const groupId = groups[round % groupCount];
      const userId = users[(round * 7) % userCount];
      const group = members.get(groupId) ?? new Set<string>();
      const leaving = group.has(userId);
      if (leaving) group.delete(userId);
      else group.add(userId);
      return {
        type: leaving ? 'GroupMembersRemoved' : 'GroupMembersAdded',
        data: { ...base, groupId, userIds: [userId] },
      };
    }
    const groupId = groups[round % groupCount];
    const previousAccess = access.get(groupId) ?? [];
    const role =
      previousAccess[0]?.role === 'VIRTUAL_ACCOUNT_USER' ? 'VIRTUAL_ACCOUNT_VIEWER' : 'VIRTUAL_ACCOUNT_USER';
    const nextAccess: GroupAccess[] = [{ virtualAccountId: salesVa, role }];
    access.set(groupId, nextAccess);
    return { type: 'GroupAccessChanged', data: { ...base, groupId, access: nextAccess, previousAccess } };
  };

  const written: WrittenEvent[] = [];
  const streamId = accountStreamId(accountId);
  for (let from = 0; from < total; from += batchSize) {
    const batch: NewEvent[] = [];
    for (let revision = from; revision < Math.min(total, from + batchSize); revision++) {
      const event = next(revision);
      const actorId = revision % 5 < 2 ? LONG_HISTORY_OPS : LONG_HISTORY_ADMIN;
      const data = event.data as { userId?: string; userIds?: string[] };
      written.push({
        type: event.type,
        actorId,
        subjects:
          event.type === 'UserAdded' || event.type === 'UserRolesChanged'
            ? [data.userId as string]
            : event.type === 'GroupMembersAdded' || event.type === 'GroupMembersRemoved'
              ? (data.userIds ?? [])
              : [],
        occurredAt: at(revision),
      });
      batch.push({
        eventId: `${accountId}-${revision}`,
        type: event.type,
        occurredAt: at(revision),
        data: event.data,
        metadata: { actorId, correlationId: null, causationId: null, supportCaseId: null },
      });
    }
    await store.append(streamId, batch, from === 0 ? 'no_stream' : from - 1);
  }
  return written;
}
