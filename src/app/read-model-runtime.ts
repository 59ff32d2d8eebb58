import type { Logger } from 'pino';
import { allProjections } from '../../projections';
import type { EventStore } from '../eventstore/port';
import { MemoryReadModelStore } from '../readmodel/memory';
import type { ReadModelStore } from '../readmodel/port';
import type { ProjectionProgress } from '../readmodel/progress';
import { Projector } from '../readmodel/projector';
import { CommandHandler } from './command-handler';
import { inProcessReplay } from './in-process-replay';
import { inProcessRateLimiter, type RateLimiterFactory } from './rate-limiter';
import type { ReplayOperations } from './replay-routes';

/** Where the read models, their progress and the rate limits live: this process, or Redis. */
export interface ReadModelRuntime {
  reads: ReadModelStore;
  progress: ProjectionProgress;
  commands: CommandHandler;
  rateLimiter: RateLimiterFactory;
  /** Verify and rebuild over HTTP (`npm run replay`). */
  replay: ReplayOperations;
  /** The in-process store, for snapshots at shutdown; null when Redis keeps the read models. */
  memory: MemoryReadModelStore | null;
  /** What `/readyz` reports. */
  readiness(): Promise<{ ready: boolean; details: Record<string, unknown> }>;
  /** After `progress.stop()`. */
  close(): Promise<void>;
}

/** The default without REDIS_URL: everything in this process (fastest). */
export function inProcessRuntime(events: EventStore, logger: Logger): ReadModelRuntime {
  const reads = new MemoryReadModelStore();
  const progress = new Projector(events, reads, allProjections, logger);
  return {
    reads,
    progress,
    commands: new CommandHandler(events),
    rateLimiter: inProcessRateLimiter,
    replay: inProcessReplay(events, reads, progress),
    memory: reads,
    async readiness() {
      const caughtUp = await progress.caughtUp();
      return {
        ready: caughtUp,
        details: { eventStore: 'reachable', projections: caughtUp ? 'caught up' : 'behind' },
      };
    },
    close: () => reads.close(),
  };
}
