import type { Logger } from 'pino';
import type { EventStore, Position } from '../eventstore/port';
import { ProgressReporter } from '../progress/reporter';
import { logProgressSink } from '../progress/sinks';
import type { ProjectionProgress } from '../readmodel/progress';

/** How far the slowest projection is through the log up to `head` (0..1, by log position). */
function slowestFraction(projector: ProjectionProgress, head: Position): number {
  const reached = projector.status().map(({ checkpoint }) => Number(checkpoint?.commit ?? 0n));
  return Math.min(...reached) / Math.max(1, Number(head.commit));
}

/**
 * Starts the projections and waits until they have replayed the log as it is now, logging
 * progress (events, rate, ETA) at least every 2 s and a last line when done.
 */
export async function startProjectorWithProgress(
  events: EventStore,
  projector: ProjectionProgress,
  logger: Logger,
  timeoutMs: number,
): Promise<void> {
  const head = await events.headPosition();
  if (head === null) {
    await projector.start();
    return;
  }
  logger.info('replaying the event log into the read models');
  const projections = Math.max(1, projector.status().length);
  const progress = new ProgressReporter({ task: 'start-up replay', sink: logProgressSink(logger) });
  // Every projection reads the whole log: count each event once.
  const stopListening = projector.onCommitted((_name, batch) =>
    progress.advance(batch.length / projections, slowestFraction(projector, head)),
  );
  try {
    await projector.start();
    if (await projector.waitFor(head, timeoutMs)) progress.finish();
    else logger.warn({ timeoutMs }, 'the start-up replay did not finish in time; serving while it goes on');
  } finally {
    stopListening();
    progress.stop();
  }
}
