import type { JsonValue, Position } from '../eventstore/port';
import { deepFreeze, frozenJsonCopy } from './frozen';
import type { ReadModelEntry, ReadModelStore, ScoredMember, WriteOp } from './port';
import { RawJson } from './raw-json';

/** A member's change within one commit: its new score, or null when it is removed. */
type MemberChange = number | null;

/**
 * At least this many changes to one set in one commit are merged in one pass; fewer are
 * inserted one by one (each a binary search and an array splice, which copies the array).
 */
const MERGE_MIN_CHANGES = 16;

/** True when (a.score, a.member) orders before (b.score, b.member). */
const before = (a: ScoredMember, b: ScoredMember): boolean =>
  a.score < b.score || (a.score === b.score && a.member < b.member);
const compare = (a: ScoredMember, b: ScoredMember): number =>
  a.score < b.score ? -1 : a.score > b.score ? 1 : a.member < b.member ? -1 : a.member > b.member ? 1 : 0;

/** A sorted set kept as an array ordered by (score, member). */
class SortedSet {
  private readonly scores = new Map<string, number>();
  private entries: ScoredMember[] = [];

  /** Takes over entries already in (score, member) order, as `afterScore` hands them out. */
  static fromSorted(entries: ScoredMember[]): SortedSet {
    const set = new SortedSet();
    for (const entry of entries) {
      Object.freeze(entry);
      set.scores.set(entry.member, entry.score);
    }
    set.entries = entries;
    return set;
  }

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
    this.entries.splice(this.indexOf(score, member), 0, Object.freeze({ member, score }));
  }

  remove(member: string): void {
    const score = this.scores.get(member);
    if (score === undefined) return;
    this.scores.delete(member);
    this.entries.splice(this.indexOf(score, member), 1);
  }

  /**
   * Applies the changes (each member's last change in a commit; the order among members
   * does not matter). Many at once: the new entries are sorted and merged with the kept ones
   * into one new array, instead of one array copy (splice) per insert.
   */
  applyChanges(changes: ReadonlyMap<string, MemberChange>): void {
    if (changes.size < MERGE_MIN_CHANGES) {
      for (const [member, score] of changes) {
        if (score === null) this.remove(member);
        else this.add(member, score);
      }
      return;
    }
    const inserted: ScoredMember[] = [];
    const moved = new Set<string>();
    for (const [member, score] of changes) {
      const current = this.scores.get(member);
      if (current === score || (current === undefined && score === null)) continue;
      if (current !== undefined) moved.add(member);
      if (score === null) {
        this.scores.delete(member);
      } else {
        this.scores.set(member, score);
        inserted.push(Object.freeze({ member, score }));
      }
    }
    if (moved.size === 0 && inserted.length === 0) return;
    inserted.sort(compare);
    const kept = moved.size === 0 ? this.entries : this.entries.filter((entry) => !moved.has(entry.member));
    // Each new entry's place among the kept ones (a binary search from the previous place),
    // and the kept ones between copied over: one pass, one new array.
    const merged = new Array<ScoredMember>(kept.length + inserted.length);
    let written = 0;
    let from = 0;
    for (const entry of inserted) {
      let low = from;
      let high = kept.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (before(kept[mid], entry)) low = mid + 1;
        else high = mid;
      }
      while (from < low) merged[written++] = kept[from++];
      merged[written++] = entry;
    }
    while (from < kept.length) merged[written++] = kept[from++];
    this.entries = merged;
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
    // Entries are frozen: handed out without copying.
    return this.entries.slice(start, start + limit);
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

function replaceMap<K, V>(target: Map<K, V>, source: ReadonlyMap<K, V>): void {
  target.clear();
  for (const [key, value] of source) target.set(key, value);
}

function* orderedEntries(
  sets: ReadonlyMap<string, SortedSet | RawJson>,
): Iterable<[string, ScoredMember[] | RawJson]> {
  for (const [key, set] of sets)
    yield [key, set instanceof RawJson ? set : set.afterScore(undefined, set.size)];
}

function setOfSnapshot(raw: RawJson): SortedSet {
  const [members, scores] = raw.parse() as SnapshotSet;
  return SortedSet.fromSorted(members.map((member, i) => ({ member, score: scores[i] })));
}

/** A sorted set in a snapshot: `[members, scores]`, in order. */
export type SnapshotSet = [string[], number[]];

/** What a snapshot holds; a document or a set may still be raw JSON (`SnapshotSet` for sets). */
export interface MemoryStoreState {
  values: Iterable<[string, JsonValue | RawJson]>;
  sets: Iterable<[string, ScoredMember[] | RawJson]>;
  checkpoints: Array<[string, Position]>;
}

/** One commit's writes to the sorted set of one key. */
interface SetWrites {
  /** A `set` or `del` of the key came first: the set as it was is gone. */
  replaced: boolean;
  /** Each member's last change after that. */
  changes: Map<string, MemberChange>;
}

/** The in-process read-model store: the default when REDIS_URL is not set. */
export class MemoryReadModelStore implements ReadModelStore {
  /** Frozen copies: readers get them as they are, no parse or clone per read. Raw until first read. */
  private readonly values = new Map<string, JsonValue | RawJson>();
  private readonly sets = new Map<string, SortedSet | RawJson>();
  private readonly checkpoints = new Map<string, Position>();

  /** The stored document itself, deeply frozen (readers must not change it). */
  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    return this.valueAt(key) as T | undefined;
  }

  async getMany<T extends JsonValue>(keys: readonly string[]): Promise<(T | undefined)[]> {
    return keys.map((key) => this.valueAt(key) as T | undefined);
  }

  async sortedRange(key: string, options: { afterScore?: number; limit: number }): Promise<ScoredMember[]> {
    return this.setAt(key)?.afterScore(options.afterScore, options.limit) ?? [];
  }

  async sortedCount(key: string): Promise<number> {
    return this.setAt(key)?.size ?? 0;
  }

  async sortedScore(key: string, member: string): Promise<number | undefined> {
    return this.setAt(key)?.score(member);
  }

  async lexRangeByPrefix(key: string, prefix: string, limit = Number.MAX_SAFE_INTEGER): Promise<string[]> {
    return this.setAt(key)?.withPrefix(prefix, limit) ?? [];
  }

  private valueAt(key: string): JsonValue | undefined {
    const value = this.values.get(key);
    if (!(value instanceof RawJson)) return value;
    const parsed = deepFreeze(value.parse() as JsonValue);
    this.values.set(key, parsed);
    return parsed;
  }

  private setAt(key: string): SortedSet | undefined {
    const set = this.sets.get(key);
    if (!(set instanceof RawJson)) return set;
    const parsed = setOfSnapshot(set);
    this.sets.set(key, parsed);
    return parsed;
  }

  async getCheckpoint(projection: string): Promise<Position | null> {
    return this.checkpoints.get(projection) ?? null;
  }

  async commit(projection: string, ops: readonly WriteOp[], checkpoint: Position): Promise<void> {
    // First what the ops come to per key (nothing is changed yet, so a value that cannot be
    // serialized fails the whole commit), then the changes.
    // Values are stored as frozen copies so callers never share mutable objects with the store.
    const values = new Map<string, JsonValue | null>();
    const sets = new Map<string, SetWrites>();
    const setWrites = (key: string): SetWrites => {
      let writes = sets.get(key);
      if (!writes) sets.set(key, (writes = { replaced: false, changes: new Map() }));
      return writes;
    };
    for (const op of ops) {
      switch (op.op) {
        case 'set':
        case 'del': {
          // Either replaces the key: any sorted set of that key goes, with the changes to it so far.
          values.set(op.key, op.op === 'set' ? frozenJsonCopy(op.value) : null);
          const writes = sets.get(op.key);
          if (writes) {
            writes.replaced = true;
            writes.changes.clear();
          } else if (this.sets.has(op.key)) {
            sets.set(op.key, { replaced: true, changes: new Map() });
          }
          break;
        }
        case 'sortedAdd':
          setWrites(op.key).changes.set(op.member, op.score);
          break;
        case 'sortedRemove':
          setWrites(op.key).changes.set(op.member, null);
          break;
      }
    }
    for (const [key, value] of values) {
      if (value === null) this.values.delete(key);
      else this.values.set(key, value);
    }
    for (const [key, writes] of sets) this.applySetWrites(key, writes);
    this.checkpoints.set(projection, checkpoint);
  }

  async reset(projection: string, keyPrefixes: readonly string[]): Promise<void> {
    const owned = (key: string) => keyPrefixes.some((prefix) => key.startsWith(prefix));
    for (const key of [...this.values.keys()]) if (owned(key)) this.values.delete(key);
    for (const key of [...this.sets.keys()]) if (owned(key)) this.sets.delete(key);
    this.checkpoints.delete(projection);
  }

  async close(): Promise<void> {}

  /** Takes over everything `other` holds (which must not be used afterwards), in one step. */
  adopt(other: MemoryReadModelStore): void {
    replaceMap(this.values, other.values);
    replaceMap(this.sets, other.sets);
    replaceMap(this.checkpoints, other.checkpoints);
  }

  async *entries(): AsyncIterable<ReadModelEntry> {
    for (const key of [...this.values.keys()]) {
      const value = this.valueAt(key);
      if (value !== undefined) yield { key, kind: 'value', value };
    }
    for (const key of [...this.sets.keys()]) {
      const set = this.setAt(key);
      if (set) yield { key, kind: 'sortedSet', members: set.afterScore(undefined, set.size) };
    }
  }

  /** Everything stored, for a snapshot: documents, sorted sets (in order) and checkpoints. */
  exportState(): MemoryStoreState {
    return {
      values: this.values.entries(),
      sets: orderedEntries(this.sets),
      checkpoints: [...this.checkpoints],
    };
  }

  /**
   * Replaces everything with a snapshot's contents, taking them over (documents and entries
   * are frozen in place, not copied; raw JSON is parsed on first use).
   */
  importState(state: MemoryStoreState): void {
    this.values.clear();
    this.sets.clear();
    this.checkpoints.clear();
    for (const [key, value] of state.values)
      this.values.set(key, value instanceof RawJson ? value : deepFreeze(value));
    for (const [key, entries] of state.sets) {
      if (entries instanceof RawJson) this.sets.set(key, entries);
      else if (entries.length > 0) this.sets.set(key, SortedSet.fromSorted(entries));
    }
    for (const [projection, checkpoint] of state.checkpoints) this.checkpoints.set(projection, checkpoint);
  }

  /** Everything stored, in key order: lets tests compare two stores. */
  dump(): Array<[string, JsonValue | ScoredMember[]]> {
    const entries: Array<[string, JsonValue | ScoredMember[]]> = [
      ...[...this.values.keys()].map((key): [string, JsonValue] => [key, this.valueAt(key) as JsonValue]),
      ...[...this.sets.keys()].map((key): [string, ScoredMember[]] => {
        const set = this.setAt(key) as SortedSet;
        return [key, set.afterScore(undefined, set.size)];
      }),
    ];
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private applySetWrites(key: string, { replaced, changes }: SetWrites): void {
    if (replaced) this.sets.delete(key);
    let set = this.setAt(key);
    if (!set) {
      // Removing from a set that is not there changes nothing; a set is never kept empty.
      let adds = false;
      for (const score of changes.values()) if (score !== null) adds = true;
      if (!adds) return;
      this.sets.set(key, (set = new SortedSet()));
    }
    set.applyChanges(changes);
    if (set.size === 0) this.sets.delete(key);
  }
}
