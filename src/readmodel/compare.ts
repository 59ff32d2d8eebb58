import type { JsonValue } from '../eventstore/port';
import type { ReadModelEntry, ReadModelStore, ScoredMember } from './port';

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

/** Documents compare by content, whatever the order of their fields. */
function canonical(value: EntryContent): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

const byKey = (a: ReadModelDifference, b: ReadModelDifference): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;

/**
 * Compares every key of two stores. `expected` is held in memory while `actual` is read once,
 * so `actual` may be a large remote store read by the port alone.
 */
export async function compareReadModels(
  expected: ReadModelStore,
  actual: ReadModelStore,
  limit: number,
): Promise<Comparison> {
  const wanted = new Map<string, { entry: ReadModelEntry; text: string }>();
  for await (const entry of expected.entries())
    wanted.set(`${entry.kind}:${entry.key}`, { entry, text: canonical(contentOf(entry)) });
  const differences: ReadModelDifference[] = [];
  let keysCompared = wanted.size;
  for await (const entry of actual.entries()) {
    const id = `${entry.kind}:${entry.key}`;
    const match = wanted.get(id);
    wanted.delete(id);
    if (match === undefined) keysCompared += 1;
    if (match?.text === canonical(contentOf(entry))) continue;
    differences.push({
      key: entry.key,
      kind: entry.kind,
      expected: match ? contentOf(match.entry) : null,
      actual: contentOf(entry),
    });
  }
  for (const { entry } of wanted.values())
    differences.push({ key: entry.key, kind: entry.kind, expected: contentOf(entry), actual: null });
  differences.sort(byKey);
  return { differenceCount: differences.length, differences: differences.slice(0, limit), keysCompared };
}
