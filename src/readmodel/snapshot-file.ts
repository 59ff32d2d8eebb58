import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { JsonValue, Position } from '../eventstore/port';
import { decodePosition, encodePosition } from '../eventstore/position';
import type { MemoryStoreState } from './memory';
import type { ScoredMember } from './port';

const FORMAT = 'read-model-snapshot.v1';
/** Lines are gathered up to this many characters before a write. */
const CHUNK_CHARS = 1 << 20;

export interface SnapshotHeader {
  format: typeof FORMAT;
  /** Identifies the event log the snapshot was taken from (the ID of its first event). */
  logId: string;
  /** The projections (names carry their versions) and where each had got to. */
  checkpoints: Array<[string, string]>;
}

type Line = ['v', string, JsonValue] | ['s', string, string[], number[]];

/**
 * Writes the store's contents as JSON lines (a header, then one line per document or sorted
 * set) to `file` atomically: a temp file, fsync, rename.
 */
export function writeSnapshot(file: string, logId: string, state: MemoryStoreState): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    let chunk = '';
    const put = (line: unknown): void => {
      chunk += `${JSON.stringify(line)}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        writeSync(fd, chunk);
        chunk = '';
      }
    };
    const header: SnapshotHeader = {
      format: FORMAT,
      logId,
      checkpoints: state.checkpoints.map(([name, position]) => [name, encodePosition(position)]),
    };
    put(header);
    for (const [key, value] of state.values) put(['v', key, value] satisfies Line);
    for (const [key, entries] of state.sets) {
      put(['s', key, entries.map((e) => e.member), entries.map((e) => e.score)] satisfies Line);
    }
    writeSync(fd, chunk);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

export interface LoadedSnapshot {
  logId: string;
  state: MemoryStoreState;
}

/** The file's lines, decoded one at a time (the whole file may be longer than a string can be). */
function* linesOf(buffer: Buffer): Iterable<string> {
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(10, start);
    if (end === -1) end = buffer.length;
    if (end > start) yield buffer.toString('utf8', start, end);
    start = end + 1;
  }
}

/** Reads a snapshot written by `writeSnapshot`; null when there is none or it is of another format. */
export function readSnapshot(file: string): LoadedSnapshot | null {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const lines = linesOf(buffer)[Symbol.iterator]();
  const first = lines.next();
  if (first.done === true) return null;
  const header = JSON.parse(first.value) as SnapshotHeader;
  if (header.format !== FORMAT) return null;
  const values: Array<[string, JsonValue]> = [];
  const sets: Array<[string, ScoredMember[]]> = [];
  for (const text of { [Symbol.iterator]: () => lines }) {
    const line = JSON.parse(text) as Line;
    if (line[0] === 'v') values.push([line[1], line[2]]);
    else sets.push([line[1], line[2].map((member, j) => ({ member, score: line[3][j] }))]);
  }
  const checkpoints = header.checkpoints.map(([name, position]): [string, Position] => [
    name,
    decodePosition(position),
  ]);
  return { logId: header.logId, state: { values, sets, checkpoints } };
}
