import type { Logger } from 'pino';
import type { EventStore, EventSubscription, Position, StoredEvent } from '../eventstore/port';
import { positionReached } from '../eventstore/position';
import type { ReadModelStore } from './port';
import { PositionWaiters } from './position-waiters';
import { projectBatch } from './project-batch';
import type { Notification, Projection } from './projection';

export type CommittedListener = (
  projection: string,
  events: readonly StoredEvent[],
  notifications: readonly Notification[],
) => void;

interface Running {
  projection: Projection;
  checkpoint: Position | null;
  subscription: EventSubscription | null;
  failures: number;
  lastError: string | null;
}

export interface ProjectorOptions {
  maxBatch?: number;
  /** Called before each batch is committed; tests use it to crash between batches. */
  beforeCommit?: (projection: string, events: readonly StoredEvent[]) => void;
}

/**
 * Runs projections: each consumes the global log from its own checkpoint and commits its
 * writes together with the new checkpoint, one batch at a time.
 */
export class Projector {
  private readonly running = new Map<string, Running>();
  private readonly waiters = new PositionWaiters((target) => this.allReached(target));
  private readonly listeners = new Set<CommittedListener>();
  private stopped = false;
  /** Set while `exclusive` runs: batches wait for it. */
  private paused: Promise<void> | null = null;
  private batchesInFlight = 0;
  private onIdle: (() => void) | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly store: ReadModelStore,
    projections: readonly Projection[],
    private readonly logger: Logger,
    private readonly options: ProjectorOptions = {},
  ) {
    for (const projection of projections) {
      if (this.running.has(projection.name)) throw new Error(`Duplicate projection ${projection.name}`);
      this.running.set(projection.name, {
        projection,
        checkpoint: null,
        subscription: null,
        failures: 0,
        lastError: null,
      });
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    for (const run of this.running.values()) {
      run.checkpoint = await this.store.getCheckpoint(run.projection.name);
      this.subscribe(run);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.running.values()].map((run) => run.subscription?.close()));
    this.waiters.abandonAll();
  }

  /** Deletes the projection's read model and checkpoint and replays it from position 0. */
  async rebuild(name: string): Promise<void> {
    const run = this.running.get(name);
    if (!run) throw new Error(`Unknown projection ${name}`);
    await run.subscription?.close();
    run.subscription = null;
    await this.store.reset(name, run.projection.keyPrefixes);
    run.checkpoint = null;
    if (!this.stopped) this.subscribe(run);
  }

  /** Resolves true once every projection has processed `target`, false after the timeout. */
  waitFor(target: Position, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(target, timeoutMs);
  }

  /**
   * Runs `work` while no batch is being projected (the one in flight finishes first, the next
   * waits), e.g. to swap in a rebuilt read model at exactly the live checkpoint.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.paused) await this.paused;
    let release = (): void => undefined;
    this.paused = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.batchesInFlight > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
      return await work();
    } finally {
      this.paused = null;
      release();
    }
  }

  /** Called after each committed batch, in order; used to publish to subscriptions. */
  onCommitted(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): Array<{ name: string; checkpoint: Position | null; lastError: string | null }> {
    return [...this.running.values()].map((run) => ({
      name: run.projection.name,
      checkpoint: run.checkpoint,
      lastError: run.lastError,
    }));
  }

  /** True when every projection has processed the newest event of the log. */
  async caughtUp(): Promise<boolean> {
    const head = await this.events.headPosition();
    return head === null || this.allReached(head);
  }

  private allReached(target: Position): boolean {
    for (const run of this.running.values()) if (!positionReached(run.checkpoint, target)) return false;
    return true;
  }

  private subscribe(run: Running): void {
    const subscription = this.events.subscribeToAll(
      { after: run.checkpoint ?? undefined, maxBatch: this.options.maxBatch ?? 500 },
      (batch) => this.handleBatch(run, batch),
    );
    run.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (error: unknown) => this.restartAfterFailure(run, subscription, error),
    );
  }

  private async handleBatch(run: Running, batch: readonly StoredEvent[]): Promise<void> {
    if (batch.length === 0) return;
    while (this.paused) await this.paused;
    this.batchesInFlight += 1;
    try {
      await this.projectAndCommit(run, batch);
    } finally {
      this.batchesInFlight -= 1;
      if (this.batchesInFlight === 0 && this.onIdle) {
        this.onIdle();
        this.onIdle = null;
      }
    }
  }

  private async projectAndCommit(run: Running, batch: readonly StoredEvent[]): Promise<void> {
    const tx = await projectBatch(run.projection, this.store, batch);
    const checkpoint = batch[batch.length - 1].position;
    this.options.beforeCommit?.(run.projection.name, batch);
    await this.store.commit(run.projection.name, tx.ops, checkpoint, tx.notifications);
    run.checkpoint = checkpoint;
    run.failures = 0;
    run.lastError = null;
    for (const listener of this.listeners) {
      try {
        listener(run.projection.name, batch, tx.notifications);
      } catch (error) {
        this.logger.error({ err: error, projection: run.projection.name }, 'projection listener failed');
      }
    }
    this.waiters.settleReached();
  }

  private restartAfterFailure(run: Running, failed: EventSubscription, error: unknown): void {
    if (this.stopped || run.subscription !== failed) return;
    run.failures += 1;
    run.lastError = error instanceof Error ? error.message : String(error);
    const delay = Math.min(30_000, 100 * 2 ** Math.min(run.failures, 8));
    this.logger.error(
      { err: error, projection: run.projection.name, retryInMs: delay },
      'projection failed; resuming from its checkpoint',
    );
    setTimeout(() => {
      if (this.stopped || run.subscription !== failed) return;
      void this.store.getCheckpoint(run.projection.name).then(
        (checkpoint) => {
          run.checkpoint = checkpoint;
          this.subscribe(run);
        },
        (reason: unknown) => this.restartAfterFailure(run, failed, reason),
      );
    }, delay).unref();
  }
}
