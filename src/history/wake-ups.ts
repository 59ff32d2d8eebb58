/**
 * Wake-up signals for one follower that looks at its source, then sleeps until something may
 * have changed. Signals are counted, so one that comes while the follower is looking (not yet
 * asleep) is not lost: the follower takes the count before it looks and sleeps only while the
 * count is unchanged. With `recheckMs` it also looks again after that long without a signal, for
 * signals that can be lost on their way (they cross processes).
 */
export class WakeUps {
  private count = 0;
  private waiting: (() => void) | null = null;

  constructor(private readonly recheckMs: number | null = null) {}

  /** The count to hand to `sleep` after looking. */
  mark(): number {
    return this.count;
  }

  signal(): void {
    this.count += 1;
    this.waiting?.();
  }

  /** Resolves at once when a signal came since `mark`, else at the next signal (or recheck). */
  async sleep(mark: number): Promise<void> {
    if (this.count !== mark) return;
    let wake = (): void => undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    this.waiting = wake;
    const timer = this.recheckMs === null ? null : setTimeout(wake, this.recheckMs);
    try {
      await woken;
    } finally {
      this.waiting = null;
      if (timer) clearTimeout(timer);
    }
  }
}
