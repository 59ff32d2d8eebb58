import type { AppendResult, EventMetadata, ExpectedRevision, NewEvent, Position, StoredEvent } from './port';

/** The rules every adapter applies to an append, whatever it stores the events in. */

export function assertDistinctEventIds(streamId: string, events: readonly NewEvent[]): void {
  if (new Set(events.map((e) => e.eventId)).size !== events.length) {
    throw new Error(`Stream ${streamId}: duplicate event IDs in one append`);
  }
}

export const expectationMet = (expected: ExpectedRevision, actual: number | null): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === null;
    case 'stream_exists':
      return actual !== null;
    default:
      return actual === expected;
  }
};

/** The metadata as stored: every field present, unknown fields dropped. */
export const storedMetadata = (m: EventMetadata): EventMetadata => ({
  actorId: m.actorId ?? null,
  correlationId: m.correlationId ?? null,
  causationId: m.causationId ?? null,
  supportCaseId: m.supportCaseId ?? null,
});

/**
 * The first event's ID is already stored, at `firstStoredRevision` of this stream. A retry
 * must find all the given IDs stored consecutively where `expected` puts them: this is the
 * revision to read them from.
 */
export const retryStartRevision = (expected: ExpectedRevision, firstStoredRevision: number): number =>
  expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected + 1 : firstStoredRevision;

/** The original result when `stored` (read from the retry start) are exactly the given events; else null. */
export function originalResult(
  events: readonly NewEvent[],
  stored: ReadonlyArray<Pick<StoredEvent, 'eventId' | 'revision' | 'position'>>,
): AppendResult | null {
  if (stored.length !== events.length || stored.some((row, i) => row.eventId !== events[i].eventId)) {
    return null;
  }
  const last = stored[stored.length - 1];
  return { nextExpectedRevision: last.revision, position: last.position };
}

/** Position reported for an append that wrote nothing to an empty stream: nothing to wait for. */
export const NO_POSITION: Position = { commit: 0n, prepare: 0n };
