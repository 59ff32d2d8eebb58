/** The words a search matches by prefix: each value whole, and its parts between
 * non-alphanumeric characters (so `alice.smith@example.com` matches `smi` and `example`). */
export function searchWords(...values: ReadonlyArray<string | null | undefined>): string[] {
  const words = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    const lower = value.toLowerCase();
    words.add(lower);
    for (const part of lower.split(/[^\p{L}\p{N}]+/u)) if (part) words.add(part);
  }
  return [...words];
}

/** The terms of a search text; every term must prefix some word of a match. */
export const searchTerms = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term.length > 0);

const SEQ_WIDTH = 10;
const SEP = '\u0000';

/** Lexical index entry: word, then the item's sequence number, then its ID. */
export const wordEntry = (word: string, seq: number, id: string): string =>
  `${word}${SEP}${String(seq).padStart(SEQ_WIDTH, '0')}${SEP}${id}`;

export function parseWordEntry(entry: string): { word: string; seq: number; id: string } {
  const [word, seq, id] = entry.split(SEP);
  return { word, seq: Number(seq), id };
}
