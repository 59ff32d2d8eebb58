import type { EventStore, Position } from '../eventstore/port';
import { comparePositions } from '../eventstore/position';
import type { ReadModelStore } from './port';
import { projectBatch } from './project-batch';
import type { Projection } from './projection';

const PAGE = 1000;

/** Called after each committed page: how many events it held and where it ended. */
export type PageListener = (events: number, reached: Position) => void;

/**
 * Brings one projection in `store` from its checkpoint up to `target` (inclusive), a page at a
 * time, each page committed with its checkpoint. Unlike the live projector it stops at the
 * target and announces nothing. Between pages it lets the event loop run, so a server doing
 * this keeps answering.
 */
export async function catchUpProjection(
  events: EventStore,
  store: ReadModelStore,
  projection: Projection,
  target: Position,
  onPage?: PageListener,
): Promise<void> {
  let after = await store.getCheckpoint(projection.name);
  while (after === null || comparePositions(after, target) < 0) {
    const page = await events.readAll({ after: after ?? undefined, maxCount: PAGE });
    const batch = page.filter((event) => comparePositions(event.position, target) <= 0);
    if (batch.length === 0) return;
    const tx = await projectBatch(projection, store, batch);
    after = batch[batch.length - 1].position;
    await store.commit(projection.name, tx.ops, after);
    onPage?.(batch.length, after);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
