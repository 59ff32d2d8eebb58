import type { Logger } from 'pino';
import type { StoredEvent } from '../../eventstore/port';
import type { ProjectionProgress } from '../../readmodel/progress';

/**
 * A named reaction to events: events in, outputs (commands, messages) out. It runs after the
 * projection it reads from (`readsFrom`) has committed the events, so its queries see them.
 * Reactions must be idempotent: the start-up replay hands every event to them again.
 */
export interface Reactor<Output> {
  readonly name: string;
  readonly readsFrom: string;
  react(events: readonly StoredEvent[]): Promise<Output[]>;
}

/** Feeds a reactor the events each committed batch of its projection holds, and dispatches its outputs in order. */
export function startReactor<Output>(
  reactor: Reactor<Output>,
  projector: ProjectionProgress,
  dispatch: (output: Output) => Promise<unknown>,
  logger: Logger,
): () => void {
  let queue: Promise<void> = Promise.resolve();
  return projector.onCommitted((projection, events) => {
    if (projection !== reactor.readsFrom) return;
    queue = queue
      .then(async () => {
        for (const output of await reactor.react(events)) await dispatch(output);
      })
      .catch((error: unknown) => logger.error({ err: error, reactor: reactor.name }, 'a reaction failed'));
  });
}
