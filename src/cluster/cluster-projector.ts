import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventStore, Position, StoredEvent } from '../eventstore/port';
import { positionReached } from '../eventstore/position';
import { PositionWaiters } from '../readmodel/position-waiters';
import type { ProjectionProgress } from '../readmodel/progress';
import type { Projection, Notification } from '../readmodel/projection';
import { Projector, type CommittedListener } from '../readmodel/projector';
import type { RedisReadModelStore } from '../readmodel/redis';
import { CommitFeed } from './commit-feed';
import { RedisLease, type Fence, type LeaseOptions, type SingletonWorker } from './lease';

/** While someone waits for the read models, the checkpoints are also read this often. */
const WAIT_POLL_MS = 20;

export interface ClusterProjectorOptions {
  /** Whether this process competes for the projections' leases (`ROLE` `projector` or `all`). */
  runProjections: boolean;
  /** Identifies this process in the leases. */
  owner: string;
  lease?: LeaseOptions;
}

/**
 * The projections of several processes sharing one Redis. Each projection runs in one process
 * at a time (the holder of its lease), committing to Redis with its fencing token; every
 * process learns of every commit through the commit feed, to answer `waitFor` and to hand
 * notifications to its live subscribers.
 *
 * Listeners get a local batch's events (in the process that projected them: reactions run
 * once) and every commit's notifications (in every process: each has its own subscribers),
 * in separate calls.
 */
export class ClusterProjector implements ProjectionProgress {
  private readonly listeners = new Set<CommittedListener>();
  private readonly waiters = new PositionWaiters(
    (target) => this.allReached(target),
    () => this.stopPolling(),
  );
  private readonly feed: CommitFeed;
  private readonly leases: RedisLease[] = [];
  /** The projections this process runs now (it holds their leases), with their fences. */
  private readonly running = new Map<string, { projector: Projector; fence: Fence }>();
  private readonly names: string[];
  private poller: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly events: EventStore,
    private readonly store: RedisReadModelStore,
    redis: Redis,
    subscriber: Redis,
    prefix: string,
    projections: readonly Projection[],
    private readonly logger: Logger,
    options: ClusterProjectorOptions,
  ) {
    this.names = projections.map((projection) => projection.name);
    this.feed = new CommitFeed(
      redis,
      subscriber,
      prefix,
      this.names,
      (projection, _checkpoint, notifications) => this.committed(projection, [], notifications),
      logger,
    );
    if (options.runProjections) {
      for (const projection of projections) {
        this.leases.push(
          new RedisLease(
            redis,
            prefix,
            `projection:${projection.name}`,
            options.owner,
            this.workerFor(projection),
            logger,
            options.lease,
          ),
        );
      }
    }
  }

  async start(): Promise<void> {
    await this.feed.start();
    for (const lease of this.leases) await lease.start();
  }

  async stop(): Promise<void> {
    for (const lease of this.leases) await lease.close();
    await this.feed.stop();
    this.waiters.abandonAll();
  }

  waitFor(target: Position, timeoutMs: number): Promise<boolean> {
    const reached = this.waiters.wait(target, timeoutMs);
    if (this.waiters.size > 0) this.poller ??= setInterval(() => void this.poll(), WAIT_POLL_MS);
    return reached;
  }

  onCommitted(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async caughtUp(): Promise<boolean> {
    await this.feed.refresh();
    const head = await this.events.headPosition();
    return head === null || this.allReached(head);
  }

  /** The projections whose lease this process holds. */
  held(): string[] {
    return this.leases.filter((lease) => lease.holding).map((lease) => lease.name);
  }

  /** Whether this process runs every projection (holds every lease). */
  holdsAll(): boolean {
    return this.names.every((name) => this.running.has(name));
  }

  /**
   * Runs `work` with the projection held between two batches here, handing it the fence its
   * writes must carry. Throws unless this process runs the projection.
   */
  exclusive<T>(projection: string, work: (fence: Fence) => Promise<T>): Promise<T> {
    const run = this.running.get(projection);
    if (!run) return Promise.reject(new Error(`this process does not hold the lease of ${projection}`));
    return run.projector.exclusive(() => work(run.fence));
  }

  /** Runs `work` with every projection held between two batches (this process must run them all). */
  exclusiveAll<T>(work: () => Promise<T>): Promise<T> {
    return this.names.reduceRight<() => Promise<T>>(
      (inner, name) => () => this.exclusive(name, inner),
      work,
    )();
  }

  status(): Array<{ name: string; checkpoint: Position | null }> {
    return this.names.map((name) => ({ name, checkpoint: this.feed.checkpoint(name) }));
  }

  private workerFor(projection: Projection): SingletonWorker {
    return {
      start: async (fence) => {
        const projector = new Projector(this.events, this.store.fenced(fence), [projection], this.logger);
        projector.onCommitted((name, events) => this.committed(name, events, []));
        this.running.set(projection.name, { projector, fence });
        await projector.start();
      },
      stop: async () => {
        const run = this.running.get(projection.name);
        this.running.delete(projection.name);
        await run?.projector.stop();
      },
    };
  }

  private committed(
    projection: string,
    events: readonly StoredEvent[],
    notifications: readonly Notification[],
  ): void {
    for (const listener of this.listeners) {
      try {
        listener(projection, events, notifications);
      } catch (error) {
        this.logger.error({ err: error, projection }, 'projection listener failed');
      }
    }
    this.waiters.settleReached();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.feed.refresh();
      this.waiters.settleReached();
    } catch {
      // Redis unreachable: the waiters time out.
    } finally {
      this.polling = false;
    }
  }

  private allReached(target: Position): boolean {
    return this.names.every((name) => positionReached(this.feed.checkpoint(name), target));
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }
}
