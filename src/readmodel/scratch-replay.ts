import type { EventStore, Position } from '../eventstore/port';
import { comparePositions, encodePosition } from '../eventstore/position';
import { catchUpProjection } from './catch-up';
import type { ReadModelStore } from './port';
import type { Projection } from './projection';

/** Events just projected, and how much (0..1) of the whole replay is done. */
export type ReplayProgress = (events: number, fraction: number) => void;

export type Checkpoints = Map<string, Position | null>;

export async function checkpointsOf(
  store: ReadModelStore,
  projections: readonly Projection[],
): Promise<Checkpoints> {
  const entries = await Promise.all(
    projections.map(async (p) => [p.name, await store.getCheckpoint(p.name)] as const),
  );
  return new Map(entries);
}

export const sameCheckpoints = (a: Checkpoints, b: Checkpoints): boolean =>
  [...a].every(([name, position]) => {
    const other = b.get(name) ?? null;
    return position === null || other === null ? position === other : comparePositions(position, other) === 0;
  });

/** Checkpoints as text (`null`: the projection has projected nothing yet). */
export const encodeCheckpoints = (checkpoints: Checkpoints): Record<string, string | null> =>
  Object.fromEntries(
    [...checkpoints].map(([name, position]) => [name, position === null ? null : encodePosition(position)]),
  );

/**
 * Brings every projection in `scratch` up to the checkpoint `live` has for it now, and returns
 * those checkpoints. `scratch` only ever moves forward, so calling it again catches up.
 */
export async function replayToLiveCheckpoints(
  events: EventStore,
  scratch: ReadModelStore,
  live: ReadModelStore,
  projections: readonly Projection[],
  onProgress?: ReplayProgress,
): Promise<Checkpoints> {
  const targets = await checkpointsOf(live, projections);
  for (const [index, projection] of projections.entries()) {
    const target = targets.get(projection.name) ?? null;
    if (target === null) continue;
    await catchUpProjection(events, scratch, projection, target, (count, reached) =>
      onProgress?.(
        count,
        (index + Number(reached.commit) / Math.max(1, Number(target.commit))) / projections.length,
      ),
    );
  }
  return targets;
}
