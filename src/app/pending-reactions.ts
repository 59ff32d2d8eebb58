import type { Reactor } from './reactors/reactor';

/**
 * Reactions still running (or failed) since start-up. A read-model snapshot may be written
 * only when none is pending or failed: a reaction's event before the snapshot's checkpoint
 * is not replayed at the next start, so it would not be retried.
 */
export class PendingReactions {
  private readonly running = new Set<Promise<unknown>>();
  private failed = false;

  track<T>(reaction: Promise<T>): Promise<T> {
    const tracked = reaction.catch((error: unknown) => {
      this.failed = true;
      throw error;
    });
    this.running.add(tracked);
    void tracked.then(
      () => this.running.delete(tracked),
      () => this.running.delete(tracked),
    );
    return tracked;
  }

  /** The reactor, its reactions tracked. */
  watch<Output>(reactor: Reactor<Output>): Reactor<Output> {
    return { ...reactor, react: (events) => this.track(reactor.react(events)) };
  }

  /** Waits for the running ones; true when every reaction so far succeeded. */
  async allSucceeded(): Promise<boolean> {
    await Promise.allSettled([...this.running]);
    return !this.failed;
  }
}
