import type { Position } from '../eventstore/port';
import type { CommittedListener } from './projector';

/**
 * How far the read models are, as the rest of the app sees it: the in-process `Projector`, or
 * the Redis read models shared by several processes (src/cluster/cluster-projector.ts).
 */
export interface ProjectionProgress {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves true once every projection has processed `target`, false after the timeout. */
  waitFor(target: Position, timeoutMs: number): Promise<boolean>;
  /** Called after each committed batch, in order. */
  onCommitted(listener: CommittedListener): () => void;
  /** Each projection's checkpoint. */
  status(): Array<{ name: string; checkpoint: Position | null }>;
  /** True when every projection has processed the newest event of the log. */
  caughtUp(): Promise<boolean>;
}
