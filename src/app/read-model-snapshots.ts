import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { logIdOf } from '../eventstore/log-id';
import type { EventStore } from '../eventstore/port';
import { positionReached } from '../eventstore/position';
import type { MemoryReadModelStore } from '../readmodel/memory';
import type { Projection } from '../readmodel/projection';
import type { ProjectionProgress } from '../readmodel/progress';
import { readSnapshot, writeSnapshot } from '../readmodel/snapshot-file';

export const snapshotFile = (dataDir: string): string => path.join(dataDir, 'read-models.snapshot');

/** Counts the events one projection applied in this run (every projection sees each event). */
export function countProjectedEvents(projector: ProjectionProgress, projection: string): () => number {
  let applied = 0;
  projector.onCommitted((name, events) => {
    if (name === projection) applied += events.length;
  });
  return () => applied;
}

const sameNames = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().every((name, i) => name === [...b].sort()[i]);

/**
 * Fills the in-memory read models from the snapshot in `file` when it was taken from this
 * event log by these very projections (names carry versions), so the projections replay
 * only the events after their checkpoints. Anything else: a full replay.
 */
export async function restoreReadModels(
  file: string,
  events: EventStore,
  store: MemoryReadModelStore,
  projections: readonly Projection[],
  logger: Logger,
): Promise<boolean> {
  const started = Date.now();
  let snapshot;
  try {
    snapshot = readSnapshot(file);
  } catch (error) {
    logger.warn({ err: error, file }, 'read-model snapshot unreadable; replaying the whole log');
    return false;
  }
  if (snapshot === null) return false;
  const names = snapshot.state.checkpoints.map(([name]) => name);
  const head = await events.headPosition();
  const fits =
    sameNames(
      names,
      projections.map((p) => p.name),
    ) &&
    snapshot.logId === (await logIdOf(events)) &&
    snapshot.state.checkpoints.every(([, checkpoint]) => head !== null && positionReached(head, checkpoint));
  if (!fits) {
    logger.info(
      { file },
      'read-model snapshot is of another log or other projections; replaying the whole log',
    );
    return false;
  }
  store.importState(snapshot.state);
  logger.info(
    { file, ms: Date.now() - started },
    'read models restored from the snapshot; replaying the tail',
  );
  return true;
}

/**
 * Writes the read models with their checkpoints (call after the projections stopped). Never
 * fails the shutdown: when the log cannot be read or the file written, the next start simply
 * replays more.
 */
export async function saveReadModels(
  file: string,
  events: EventStore,
  store: MemoryReadModelStore,
  logger: Logger,
): Promise<void> {
  try {
    const logId = await logIdOf(events);
    if (logId === null) return;
    // A DATA_DIR removed while the server stops (a script cleaning up) is not brought back.
    if (!existsSync(path.dirname(file))) return;
    writeSnapshot(file, logId, store.exportState());
  } catch (error) {
    logger.warn(
      { err: error, file },
      'read-model snapshot not written; the next start replays more of the log',
    );
  }
}
