import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../../src/domain/decider';
import type { StoredEvent } from '../../src/eventstore/port';
import { sqlitePosition } from '../../src/eventstore/position';
import { BatchTx } from '../../src/readmodel/batch';
import { MemoryReadModelStore } from '../../src/readmodel/memory';
import type { Notification, Projection } from '../../src/readmodel/projection';

export const PROJECTED_AT = '2026-01-01T00:00:00.000Z';

/** Domain events as the log would hand them to a projection, in order. */
export function stored(events: readonly DomainEvent[]): StoredEvent[] {
  return events.map((event, index) => ({
    eventId: randomUUID(),
    type: event.type,
    occurredAt: PROJECTED_AT,
    data: event.data,
    metadata: { actorId: null, correlationId: null, causationId: null, supportCaseId: null },
    streamId: 'projection-spec',
    revision: index,
    position: sqlitePosition(index + 1),
  }));
}

/**
 * given(events) → the read model the projection builds from them (committed, as the projector
 * does, into the in-process store) and the notifications it announced, in order.
 */
export async function givenEvents(
  projection: Projection,
  events: readonly DomainEvent[],
): Promise<{ reads: MemoryReadModelStore; notifications: Notification[] }> {
  const reads = new MemoryReadModelStore();
  const notifications: Notification[] = [];
  for (const event of stored(events)) {
    const tx = new BatchTx(reads);
    await projection.apply(event, tx);
    await reads.commit(projection.name, tx.ops, event.position);
    notifications.push(...tx.notifications);
  }
  return { reads, notifications };
}
