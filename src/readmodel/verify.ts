import type { EventStore } from '../eventstore/port';
import { encodePosition } from '../eventstore/position';
import { compareReadModels, type Comparison } from './compare';
import { MemoryReadModelStore } from './memory';
import type { ReadModelStore } from './port';
import type { Projection } from './projection';
import {
  checkpointsOf,
  encodeCheckpoints,
  replayToLiveCheckpoints,
  sameCheckpoints,
  type ReplayProgress,
} from './scratch-replay';

/** How many differences a verification returns (their total is always counted). */
export const MAX_DIFFERENCES_SHOWN = 20;
/** A live store that moves on during every one of this many comparisons is reported, not compared. */
const MAX_ATTEMPTS = 5;

export interface Verification extends Comparison {
  equal: boolean;
  /** Where each projection of the live store was (encoded positions; null: nothing projected yet). */
  checkpoints: Record<string, string | null>;
  /** The newest event of the log when the verification ended: a checkpoint behind it is lag, not a difference. */
  head: string | null;
  attempts: number;
}

/** Runs work while the live store does not change (in process: `Projector.exclusive`). */
export type Hold = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Rebuilds every projection from the log into a fresh in-process store, each up to the checkpoint
 * the live store has for it, and compares the two key by key. The live store is read through the
 * port only, so any adapter can be verified while it keeps projecting: when its checkpoints moved
 * during the comparison, the scratch store catches up and compares again. The last attempt runs
 * under `hold` when one is given (holding the projector delays mutations' read-your-writes, so
 * only when comparing alongside it kept failing).
 */
export async function verifyReadModels(
  events: EventStore,
  live: ReadModelStore,
  projections: readonly Projection[],
  onProgress?: ReplayProgress,
  hold?: Hold,
): Promise<Verification> {
  const scratch = new MemoryReadModelStore();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const compare = async () => {
      const targets = await replayToLiveCheckpoints(events, scratch, live, projections, onProgress);
      const comparison = await compareReadModels(scratch, live, MAX_DIFFERENCES_SHOWN);
      const stable = sameCheckpoints(targets, await checkpointsOf(live, projections));
      return { targets, comparison, stable };
    };
    const { targets, comparison, stable } =
      attempt === MAX_ATTEMPTS && hold ? await hold(compare) : await compare();
    if (!stable) continue;
    const head = await events.headPosition();
    return {
      ...comparison,
      equal: comparison.differenceCount === 0,
      checkpoints: encodeCheckpoints(targets),
      head: head === null ? null : encodePosition(head),
      attempts: attempt,
    };
  }
  throw new Error(`the live read models kept changing during ${MAX_ATTEMPTS} comparisons; try again`);
}
