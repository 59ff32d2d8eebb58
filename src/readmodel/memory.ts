import type { JsonValue, Position } from '../eventstore/port';
import type { ReadModelStore, ScoredMember, WriteOp } from './port';

/** A sorted set kept as an array ordered by (score, member). */
class SortedSet {
  private readonly scores = new Map<string, number>();
  private entries: ScoredMember[] = [];

  get size(): number {
    return this.entries.length;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  add(member: string, score: number): void {
    if (this.scores.get(member) === score) return;
    this.remove(member);
    this.scores.set(member, score);
    this.entries.splice(this.indexOf(score, member), 0, { member, score });
  }

  remove(member: string): void {
    const score = this.scores.get(member);
    if (score === undefined) return;
    this.scores.delete(member);
    this.entries.splice(this.indexOf(score, member), 1);
  }

  /** Index of the first entry not less than (score, member). */
  indexOf(score: number, member: string): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const entry = this.entries[mid];
      if (entry.score < score || (entry.score === score && entry.member < member)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  afterScore(score: number | undefined, limit: number): ScoredMember[] {
    let start = 0;
    if (score !== undefined) {
      start = this.indexOf(score, '');
      while (start < this.entries.length && this.entries[start].score <= score) start++;
    }
    return this.entries.slice(start, start + limit).map((e) => ({ ...e }));
  }

  withPrefix(prefix: string, limit: number): string[] {
    const result: string[] = [];
    for (let i = this.indexOf(0, prefix); i < this.entries.length && result.length < limit; i++) {
      const { member, score } = this.entries[i];
      if (score !== 0 || !member.startsWith(prefix)) break;
      result.push(member);
    }
    return result;
  }
}

/** The in-process read-model store: the default when REDIS_URL is not set. */
export class MemoryReadModelStore implements ReadModelStore {
  private readonly values = new Map<string, string>();
  private readonly sets = new Map<string, SortedSet>();
  private readonly checkpoints = new Map<string, Position>();

  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    const text = this.values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async getMany<T extends JsonValue>(keys: readonly string[]): Promise<(T | undefined)[]> {
    return Promise.all(keys.map((key) => this.get<T>(key)));
  }

  async sortedRange(key: string, options: { afterScore?: number; limit: number }): Promise<ScoredMember[]> {
    return this.sets.get(key)?.afterScore(options.afterScore, options.limit) ?? [];
  }

  async sortedCount(key: string): Promise<number> {
    return this.sets.get(key)?.size ?? 0;
  }

  async sortedScore(key: string, member: string): Promise<number | undefined> {
    return this.sets.get(key)?.score(member);
  }

  async lexRangeByPrefix(key: string, prefix: string, limit = Number.MAX_SAFE_INTEGER): Promise<string[]> {
    return this.sets.get(key)?.withPrefix(prefix, limit) ?? [];
  }

  async getCheckpoint(projection: string): Promise<Position | null> {
    return this.checkpoints.get(projection) ?? null;
  }

  async commit(projection: string, ops: readonly WriteOp[], checkpoint: Position): Promise<void> {
    // Values are stored as JSON text so callers never share mutable objects with the store.
    for (const op of ops) this.apply(op);
    this.checkpoints.set(projection, checkpoint);
  }

  async reset(projection: string, keyPrefixes: readonly string[]): Promise<void> {
    const owned = (key: string) => keyPrefixes.some((prefix) => key.startsWith(prefix));
    for (const key of [...this.values.keys()]) if (owned(key)) this.values.delete(key);
    for (const key of [...this.sets.keys()]) if (owned(key)) this.sets.delete(key);
    this.checkpoints.delete(projection);
  }

  async close(): Promise<void> {}

  /** Everything stored, in key order: lets tests compare two stores. */
  dump(): Array<[string, JsonValue | ScoredMember[]]> {
    const entries: Array<[string, JsonValue | ScoredMember[]]> = [
      ...[...this.values].map(([key, text]): [string, JsonValue] => [key, JSON.parse(text) as JsonValue]),
      ...[...this.sets].map(([key, set]): [string, ScoredMember[]] => [
        key,
        set.afterScore(undefined, set.size),
      ]),
    ];
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private apply(op: WriteOp): void {
    switch (op.op) {
      case 'set':
        this.values.set(op.key, JSON.stringify(op.value));
        this.sets.delete(op.key);
        return;
      case 'del':
        this.values.delete(op.key);
        this.sets.delete(op.key);
        return;
      case 'sortedAdd': {
        let set = this.sets.get(op.key);
        if (!set) this.sets.set(op.key, (set = new SortedSet()));
        set.add(op.member, op.score);
        return;
      }
      case 'sortedRemove': {
        const set = this.sets.get(op.key);
        set?.remove(op.member);
        if (set?.size === 0) this.sets.delete(op.key);
        return;
      }
    }
  }
}
