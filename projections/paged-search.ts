import type { ReadModelReader } from '../src/readmodel/port';
import { boundedSearchTerms } from './search-limits';
import { parseWordEntry } from './search-words';

export interface PagedIds {
  /** One more than asked for when there is a next page. */
  items: Array<{ id: string; seq: number }>;
  totalCount: number;
}

/**
 * A page of a list kept as a sorted set by sequence number, optionally narrowed by a search:
 * every term must be the prefix of some word of an item (words are indexed per list).
 */
export async function pagedSearch(
  reads: ReadModelReader,
  keys: { list: string; words: string },
  options: { search?: string | null; afterSeq?: number; size: number },
): Promise<PagedIds> {
  const terms = boundedSearchTerms(options.search);
  if (terms.length === 0) {
    const [range, totalCount] = await Promise.all([
      reads.sortedRange(keys.list, { afterScore: options.afterSeq, limit: options.size + 1 }),
      reads.sortedCount(keys.list),
    ]);
    return { items: range.map(({ member, score }) => ({ id: member, seq: score })), totalCount };
  }
  let matches: Map<string, number> | null = null;
  for (const term of terms) {
    const found = new Map<string, number>();
    for (const entry of await reads.lexRangeByPrefix(keys.words, term)) {
      const { id, seq } = parseWordEntry(entry);
      if (matches === null || matches.has(id)) found.set(id, seq);
    }
    matches = found;
    if (matches.size === 0) break;
  }
  const all = [...(matches ?? new Map<string, number>())].map(([id, seq]) => ({ id, seq }));
  all.sort((a, b) => a.seq - b.seq);
  const after = options.afterSeq;
  const start = after === undefined ? 0 : all.findIndex((item) => item.seq > after);
  const items = start < 0 ? [] : all.slice(start, start + options.size + 1);
  return { items, totalCount: all.length };
}
