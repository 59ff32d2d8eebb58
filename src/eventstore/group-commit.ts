export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Pending<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items submitted while the event loop is busy (everything up to the next
 * `setImmediate`, i.e. all requests read in one poll phase) are committed together by one
 * call of `commit`, which answers an outcome per item, so one item's failure is its own.
 * If `commit` throws, every item of the group fails with that error.
 */
export class GroupCommit<I, R> {
  private pending: Pending<I, R>[] = [];
  private scheduled = false;

  constructor(private readonly commit: (items: readonly I[]) => Outcome<R>[]) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is waiting now (also called before the store closes). */
  flush(): void {
    this.scheduled = false;
    const group = this.pending;
    if (group.length === 0) return;
    this.pending = [];
    let outcomes: Outcome<R>[];
    try {
      outcomes = this.commit(group.map((p) => p.item));
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
  }
}
