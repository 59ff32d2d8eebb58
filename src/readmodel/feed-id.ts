import type { Position } from '../eventstore/port';

/**
 * A checkpoint as a Redis stream ID (`commit-(prepare+1)`): IDs order like positions and are
 * never `0-0`, so each commit's checkpoint is also the ID of its entry in the commit feed.
 */
export const feedId = (position: Position): string => `${position.commit}-${position.prepare + 1n}`;

export function positionOfFeedId(id: string): Position {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) throw new Error(`Not a feed ID: ${id}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) - 1n };
}

/** Orders two feed IDs like their positions. */
export function compareFeedIds(a: string, b: string): number {
  const x = positionOfFeedId(a);
  const y = positionOfFeedId(b);
  if (x.commit !== y.commit) return x.commit < y.commit ? -1 : 1;
  return x.prepare === y.prepare ? 0 : x.prepare < y.prepare ? -1 : 1;
}
