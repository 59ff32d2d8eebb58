import type { ServerResponse } from 'node:http';

/** Counts HTTP responses not yet finished, so shutdown can wait for them. */
export class InFlight {
  private readonly pending = new Set<ServerResponse>();
  private waiters: Array<() => void> = [];

  track(res: ServerResponse): void {
    this.pending.add(res);
    res.once('close', () => {
      this.pending.delete(res);
      if (this.pending.size > 0) return;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  /** Asks every unfinished response to close its connection once it is written. */
  closeConnectionsAfterResponse(): void {
    for (const res of this.pending) if (!res.headersSent) res.setHeader('connection', 'close');
  }

  /** Resolves true when nothing is in flight, or false when `timeoutMs` passes first. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
