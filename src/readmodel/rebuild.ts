import type { EventStore } from '../eventstore/port';
import { MemoryReadModelStore } from './memory';
import type { Projection } from './projection';
import type { Projector } from './projector';
import { encodeCheckpoints, replayToLiveCheckpoints, type ReplayProgress } from './scratch-replay';

export interface Rebuild {
  /** Where each projection was when the rebuilt read model took over (encoded positions). */
  checkpoints: Record<string, string | null>;
}

/**
 * Rebuilds the in-process read models of a running server without a moment of emptiness: every
 * projection is replayed from the log into a fresh store up to the live checkpoint while the live
 * one keeps serving; then, with the live projector held between two batches, the fresh store
 * catches up with the last few events and takes over. Nothing is announced to subscribers: the
 * events were announced when they happened.
 */
export async function rebuildInProcess(
  events: EventStore,
  live: MemoryReadModelStore,
  projections: readonly Projection[],
  projector: Projector,
  onProgress?: ReplayProgress,
): Promise<Rebuild> {
  const scratch = new MemoryReadModelStore();
  await replayToLiveCheckpoints(events, scratch, live, projections, onProgress);
  return projector.exclusive(async () => {
    const checkpoints = await replayToLiveCheckpoints(events, scratch, live, projections);
    live.adopt(scratch);
    return { checkpoints: encodeCheckpoints(checkpoints) };
  });
}
