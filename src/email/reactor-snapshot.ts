import { readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Position } from '../eventstore/port';
import { writeFileAtomically } from '../files/atomic-write';
import type { EmailReactorState } from './reactor-state';

const FORMAT = 'email-reactor-snapshot.v1';

export const reactorSnapshotFile = (dataDir: string): string => path.join(dataDir, 'email-reactor.snapshot');

/** The email reactor's state (people, administrators, names) as folded up to `position`. */
export interface ReactorSnapshot {
  /** The ID of the log's first event: a snapshot of another log never fits. */
  logId: string;
  position: Position;
  state: EmailReactorState;
}

/** Written atomically (temp file, fsync, rename); V8's serializer keeps the Maps and Sets. */
export function writeReactorSnapshot(file: string, snapshot: ReactorSnapshot): void {
  writeFileAtomically(file, (fd) => writeSync(fd, serialize({ format: FORMAT, ...snapshot })));
}

/** The snapshot in `file`; null when there is none, or it is unreadable or of another format. */
export function readReactorSnapshot(file: string): ReactorSnapshot | null {
  try {
    const read = deserialize(readFileSync(file)) as Partial<ReactorSnapshot> & { format?: string };
    if (read.format !== FORMAT || !read.logId || !read.position || !read.state) return null;
    return { logId: read.logId, position: read.position, state: read.state };
  } catch {
    return null;
  }
}
