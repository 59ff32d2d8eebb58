import type { JsonValue } from '../eventstore/port';
import type { ReadModelEntry, ReadModelReader, ReadModelStore, ScoredMember } from './port';

export type EntryContent = JsonValue | ScoredMember[];

/** A key whose content differs; null on a side that does not have the key. */
export interface ReadModelDifference {
  key: string;
  kind: ReadModelEntry['kind'];
  expected: EntryContent | null;
  actual: EntryContent | null;
}

export interface Comparison {
  /** How many keys differ in all. */
  differenceCount: number;
  /** The first of them in key order, at most the limit asked for. */
  differences: ReadModelDifference[];
  keysCompared: number;
}

const contentOf = (entry: ReadModelEntry): EntryContent =>
  entry.kind === 'value' ? entry.value : entry.members;

/** JSON with every object's fields in name order. */
function canonical(value: JsonValue): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Documents are equal by content, whatever the order of their fields (the cheap test first). */
const sameDocument = (a: JsonValue, b: JsonValue): boolean =>
  JSON.stringify(a) === JSON.stringify(b) || canonical(a) === canonical(b);

const sameMembers = (a: readonly ScoredMember[], b: readonly ScoredMember[]): boolean =>
  a.length === b.length && a.every((entry, i) => entry.member === b[i].member && entry.score === b[i].score);

/** `reader`'s content of the key, of the entry's kind; null when it has none (a set is never kept empty). */
async function counterpart(reader: ReadModelReader, entry: ReadModelEntry): Promise<EntryContent | null> {
  if (entry.kind === 'value') return (await reader.get(entry.key)) ?? null;
  const members = await reader.sortedRange(entry.key, { limit: Number.MAX_SAFE_INTEGER });
  return members.length === 0 ? null : members;
}

function same(entry: ReadModelEntry, other: EntryContent | null): boolean {
  if (other === null) return false;
  return entry.kind === 'value'
    ? sameDocument(entry.value, other as JsonValue)
    : sameMembers(entry.members, other as ScoredMember[]);
}

/** Keys compared between two turns of the event loop, so a server comparing keeps answering. */
const YIELD_EVERY = 1000;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const byKey = (a: ReadModelDifference, b: ReadModelDifference): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;

/**
 * Compares every key of two stores: each key of `actual` with the same key of `expected`, then
 * the keys only `expected` has. Both are read through the port one key at a time, so neither is
 * copied; only the names of the keys seen and the first `limit` differences are kept.
 */
export async function compareReadModels(
  expected: ReadModelStore,
  actual: ReadModelStore,
  limit: number,
): Promise<Comparison> {
  const seen = new Set<string>();
  // The first `limit` in key order are kept; the rest only counted.
  let differences: ReadModelDifference[] = [];
  let differenceCount = 0;
  const found = (difference: ReadModelDifference): void => {
    differenceCount += 1;
    differences.push(difference);
    if (differences.length >= 2 * limit + 1) differences = differences.sort(byKey).slice(0, limit);
  };
  for await (const entry of actual.entries()) {
    seen.add(`${entry.kind}:${entry.key}`);
    if (seen.size % YIELD_EVERY === 0) await turn();
    const wanted = await counterpart(expected, entry);
    if (!same(entry, wanted))
      found({ key: entry.key, kind: entry.kind, expected: wanted, actual: contentOf(entry) });
  }
  let keysCompared = seen.size;
  let read = 0;
  for await (const entry of expected.entries()) {
    if (++read % YIELD_EVERY === 0) await turn();
    if (seen.has(`${entry.kind}:${entry.key}`)) continue;
    keysCompared += 1;
    found({ key: entry.key, kind: entry.kind, expected: contentOf(entry), actual: null });
  }
  return { differenceCount, differences: differences.sort(byKey).slice(0, limit), keysCompared };
}
