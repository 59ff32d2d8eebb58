import type { Position } from '../eventstore/port';

interface Waiter {
  target: Position;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
}

/** Callers waiting until the read models reach a position, each with its own timeout. */
export class PositionWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(
    /** Whether the read models have reached `target`. */
    private readonly reached: (target: Position) => boolean,
    /** Called when the last waiter is settled. */
    private readonly onIdle: () => void = () => undefined,
  ) {}

  get size(): number {
    return this.waiters.size;
  }

  /** Resolves true once `target` is reached, false after the timeout. */
  wait(target: Position, timeoutMs: number): Promise<boolean> {
    if (this.reached(target)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        target,
        resolve,
        timer: setTimeout(() => this.settle(waiter, false), timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Settles every waiter whose target is now reached. */
  settleReached(): void {
    for (const waiter of this.waiters) if (this.reached(waiter.target)) this.settle(waiter, true);
  }

  /** Settles every waiter with false (shutting down). */
  abandonAll(): void {
    for (const waiter of this.waiters) this.settle(waiter, false);
  }

  private settle(waiter: Waiter, reached: boolean): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.resolve(reached);
    if (this.waiters.size === 0) this.onIdle();
  }
}
