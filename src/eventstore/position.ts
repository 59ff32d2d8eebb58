import type { Position } from './port';

export const comparePositions = (a: Position, b: Position): number =>
  a.commit === b.commit ? Number(a.prepare - b.prepare) : a.commit < b.commit ? -1 : 1;

export const positionReached = (current: Position | null, target: Position): boolean =>
  current !== null && comparePositions(current, target) >= 0;

export const maxPosition = (a: Position | null, b: Position | null): Position | null =>
  a === null ? b : b === null ? a : comparePositions(a, b) >= 0 ? a : b;

/** Opaque text form for clients and checkpoints: `commit` or `commit:prepare`. */
export const encodePosition = (p: Position): string =>
  p.commit === p.prepare ? p.commit.toString() : `${p.commit}:${p.prepare}`;

export function decodePosition(text: string): Position {
  const match = /^(\d{1,20})(?::(\d{1,20}))?$/.exec(text);
  if (!match) throw new Error(`Not a position: ${text}`);
  const commit = BigInt(match[1]);
  return { commit, prepare: match[2] === undefined ? commit : BigInt(match[2]) };
}

export const sqlitePosition = (rowId: number | bigint): Position => {
  const n = BigInt(rowId);
  return { commit: n, prepare: n };
};
