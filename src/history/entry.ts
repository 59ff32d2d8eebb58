import type { AccountEvent } from '../domain/account/events';
import type { AccountState } from '../domain/account/state';
import type { JsonObject, StoredEvent } from '../eventstore/port';
import { encodePosition } from '../eventstore/position';
import { evolveWithChanges, type AccessChangeData } from './access';
import { subjectUserIdOf, summarize } from './summary';

/** One event of an account's history, explained (GraphQL `HistoryEntry`). */
export interface HistoryEntryData {
  revision: number;
  position: string;
  eventId: string;
  type: string;
  occurredAt: string;
  actorId: string | null;
  supportCaseId: string | null;
  summary: string;
  subjectUserId: string | null;
  accessChanges: AccessChangeData[];
  data: JsonObject;
}

export const asAccountEvent = (event: StoredEvent): AccountEvent =>
  ({ type: event.type, data: event.data }) as AccountEvent;

/**
 * Explains `event` against the state just before it, then evolves that state (in place, through
 * the live system's `evolveAccount`) and returns both.
 */
export function explainAndEvolve(
  state: AccountState,
  event: StoredEvent,
): { state: AccountState; entry: HistoryEntryData } {
  const domainEvent = asAccountEvent(event);
  const { actorId, supportCaseId } = event.metadata;
  const summary = summarize(domainEvent, state, { actorId, supportCaseId });
  const { state: next, changes } = evolveWithChanges(state, domainEvent);
  return {
    state: next,
    entry: {
      revision: event.revision,
      position: encodePosition(event.position),
      eventId: event.eventId,
      type: event.type,
      occurredAt: event.occurredAt,
      actorId,
      supportCaseId,
      summary,
      subjectUserId: subjectUserIdOf(domainEvent),
      accessChanges: changes,
      data: event.data,
    },
  };
}
