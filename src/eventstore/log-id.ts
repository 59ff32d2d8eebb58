import type { EventStore } from './port';

/**
 * Identifies an event log: the ID of its first event (null while it is empty). A snapshot taken
 * from one log never fits another.
 */
export async function logIdOf(events: EventStore): Promise<string | null> {
  const [first] = await events.readAll({ maxCount: 1 });
  return first?.eventId ?? null;
}
