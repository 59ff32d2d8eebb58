import type { BatchHandler, EventSubscription, Position, StoredEvent } from './port';

export interface TailPage {
  events: StoredEvent[];
  /**
   * Events exist after `after` that cannot be delivered yet (PostgreSQL: a transaction that may
   * still add an earlier one is open). The tail looks again soon instead of waiting for a wake-up.
   */
  pending?: boolean;
}

export interface TailingSubscriptionParams {
  after: Position | null;
  maxBatch: number;
  /** Longest wait between two looks when nothing wakes the subscription. */
  pollIntervalMs: number;
  read(after: Position | null, maxCount: number): Promise<TailPage>;
  handler: BatchHandler;
  onStop(subscription: TailingSubscription): void;
}

const FIRST_PENDING_DELAY_MS = 5;
/** Events wait to be delivered: look again at least this often, however long the poll. */
const MAX_PENDING_DELAY_MS = 1_000;

/** A live tail of the global log: reads, hands a batch over, and sleeps until woken or the poll. */
export class TailingSubscription implements EventSubscription {
  readonly done: Promise<void>;
  private closed = false;
  /** Set by every wake-up; a read clears it first, so a wake-up during a read is not lost. */
  private woken = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly params: TailingSubscriptionParams) {
    // Start on a later tick: the handler must not run before subscribeToAll has returned.
    this.done = Promise.resolve().then(() => this.run());
    // A failure is reported through `done`; do not also crash the process when nobody awaits it.
    this.done.catch(() => undefined);
  }

  /** Wakes a subscription that is waiting for new events. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * No batch is delivered after this resolves. A batch already being handled is not awaited, so a
   * handler may close its own subscription.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }

  private async run(): Promise<void> {
    const { read, handler, maxBatch, pollIntervalMs } = this.params;
    let after = this.params.after;
    let pendingDelay = FIRST_PENDING_DELAY_MS;
    try {
      while (!this.closed) {
        this.woken = false;
        const page = await read(after, maxBatch);
        if (this.closed) break;
        if (page.events.length === 0) {
          if (page.pending) {
            await this.sleep(pendingDelay);
            pendingDelay = Math.min(pendingDelay * 2, pollIntervalMs, MAX_PENDING_DELAY_MS);
          } else {
            await this.sleep(pollIntervalMs);
          }
          continue;
        }
        pendingDelay = FIRST_PENDING_DELAY_MS;
        await handler(page.events);
        after = page.events[page.events.length - 1].position;
      }
    } finally {
      this.closed = true;
      this.params.onStop(this);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
