import { readFileSync, writeSync } from 'node:fs';
import { writeFileAtomically } from '../files/atomic-write';
import type { Position } from '../eventstore/port';
import { decodePosition, encodePosition } from '../eventstore/position';
import type { MemoryStoreState, SnapshotSet } from './memory';
import { RawJson } from './raw-json';

const FORMAT = 'read-model-snapshot.v2';

/**
 * A stop writes a snapshot (read models, the email reactor's state) only when this run applied
 * at least this many events: replaying fewer at the next start takes a second or two, not
 * worth a write at every stop.
 */
export const SNAPSHOT_MIN_EVENTS = 50_000;
/** Output is gathered up to this many bytes before a write. */
const CHUNK_BYTES = 1 << 20;

export interface SnapshotHeader {
  format: typeof FORMAT;
  /** Identifies the event log the snapshot was taken from (the ID of its first event). */
  logId: string;
  /** The projections (names carry their versions) and where each had got to. */
  checkpoints: Array<[string, string]>;
}

/** Writes lines to a file descriptor in large chunks; raw bytes go out as they are. */
class LineWriter {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly fd: number) {}

  line(text: string | Buffer): void {
    const part = typeof text === 'string' ? Buffer.from(text) : text;
    this.parts.push(part, NEWLINE);
    this.size += part.length + 1;
    if (this.size >= CHUNK_BYTES) this.flush();
  }

  flush(): void {
    if (this.size > 0) writeSync(this.fd, Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
  }
}

const NEWLINE = Buffer.from('\n');

/**
 * Writes the store's contents to `file` atomically (a temp file, fsync, rename): a header line,
 * then two lines per document or sorted set: `v` or `s` followed by the key as JSON, and the
 * JSON of the document or of the set (`[members, scores]`, in order). JSON never holds a raw
 * newline, so a reader finds every key without parsing what it does not need.
 */
export function writeSnapshot(file: string, logId: string, state: MemoryStoreState): void {
  writeFileAtomically(file, (fd) => {
    const out = new LineWriter(fd);
    const header: SnapshotHeader = {
      format: FORMAT,
      logId,
      checkpoints: state.checkpoints.map(([name, position]) => [name, encodePosition(position)]),
    };
    out.line(JSON.stringify(header));
    for (const [key, value] of state.values) {
      out.line(`v${JSON.stringify(key)}`);
      out.line(value instanceof RawJson ? value.bytes() : JSON.stringify(value));
    }
    for (const [key, entries] of state.sets) {
      out.line(`s${JSON.stringify(key)}`);
      out.line(
        entries instanceof RawJson
          ? entries.bytes()
          : JSON.stringify([entries.map((e) => e.member), entries.map((e) => e.score)] satisfies SnapshotSet),
      );
    }
    out.flush();
  });
}

export interface LoadedSnapshot {
  logId: string;
  state: MemoryStoreState;
}

/** The index of the newline that ends the line starting at `start` (every line has one). */
function lineEnd(buffer: Buffer, start: number): number {
  const end = buffer.indexOf(10, start);
  if (end === -1) throw new Error('snapshot file is cut short');
  return end;
}

/** A key line's JSON string; most keys need no unescaping, and those skip the parser. */
const keyOf = (json: string): string =>
  json.includes('\\') ? (JSON.parse(json) as string) : json.slice(1, -1);

/**
 * Reads a snapshot written by `writeSnapshot`; null when there is none or it is of another
 * format. Only the header and the keys are parsed: documents and sets stay raw JSON, bytes of
 * the file's buffer, until the store first uses them.
 */
export function readSnapshot(file: string): LoadedSnapshot | null {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (buffer.length === 0) return null;
  let end = lineEnd(buffer, 0);
  const header = JSON.parse(buffer.toString('utf8', 0, end)) as Partial<SnapshotHeader>;
  if (header.format !== FORMAT || !header.logId || !header.checkpoints) return null;
  const values: Array<[string, RawJson]> = [];
  const sets: Array<[string, RawJson]> = [];
  for (let start = end + 1; start < buffer.length; start = end + 1) {
    end = lineEnd(buffer, start);
    const kind = buffer[start];
    const key = keyOf(buffer.toString('utf8', start + 1, end));
    const payloadStart = end + 1;
    end = lineEnd(buffer, payloadStart);
    if (end === buffer.length && buffer[buffer.length - 1] !== 10)
      throw new Error('snapshot file is cut short');
    const raw = new RawJson(buffer, payloadStart, end);
    if (kind === 0x76 /* v */) values.push([key, raw]);
    else if (kind === 0x73 /* s */) sets.push([key, raw]);
    else throw new Error('snapshot file has an unknown line');
  }
  const checkpoints = header.checkpoints.map(([name, position]): [string, Position] => [
    name,
    decodePosition(position),
  ]);
  return { logId: header.logId, state: { values, sets, checkpoints } };
}
