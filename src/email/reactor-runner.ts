import type { Logger } from 'pino';
import { logIdOf } from '../eventstore/log-id';
import type { EventStore, EventSubscription, Position, StoredEvent } from '../eventstore/port';
import { positionReached } from '../eventstore/position';
import type { EmailMessage } from './email-message';
import { SNAPSHOT_MIN_EVENTS } from '../readmodel/snapshot-file';
import type { EmailOutbox } from './outbox';
import { emailsFor } from './reactor';
import { readReactorSnapshot, writeReactorSnapshot, type ReactorSnapshot } from './reactor-snapshot';
import { evolveEmailReactorState, initialEmailReactorState, type EmailReactorState } from './reactor-state';

const RESTART_DELAY_MS = 1000;
const BATCH = 500;

/**
 * Feeds the event log to the email reactor and puts the messages of events past the outbox
 * checkpoint into the outbox, together with the new checkpoint. The reactor's state (people,
 * administrators, names) is folded from the whole log, or from the snapshot written at the last
 * stop when it fits (same log, not past the outbox checkpoint); only events after the
 * checkpoint produce messages, so a restart never sends old mail again.
 */
export class EmailReactorRunner {
  private subscription: EventSubscription | null = null;
  private state: EmailReactorState = initialEmailReactorState();
  private checkpoint: Position | null = null;
  /** The last event folded into `state`. */
  private folded: Position | null = null;
  private foldedThisRun = 0;
  private stopped = true;

  constructor(
    private readonly events: EventStore,
    private readonly outbox: EmailOutbox,
    private readonly onEnqueued: () => void,
    private readonly logger: Logger,
    /** Where the state is kept between runs; null: folded from the whole log at every start. */
    private readonly snapshotFile: string | null = null,
    /** A stop writes the state only when this run folded at least this many events. */
    private readonly snapshotMinEvents = SNAPSHOT_MIN_EVENTS,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.checkpoint = await this.outbox.checkpoint();
    if (this.checkpoint === null) {
      // Email starts with this outbox: the mail of events before now is not sent afterwards.
      const head = await this.events.headPosition();
      if (head !== null) await this.outbox.enqueue([], head);
      this.checkpoint = head;
    }
    this.subscribe(await this.restored());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    if (this.snapshotFile === null) return;
    try {
      this.saveSnapshot(await logIdOf(this.events));
    } catch (error) {
      // Never fails the stop: the next start folds more of the log instead.
      this.logger.warn({ err: error, file: this.snapshotFile }, 'email reactor snapshot not written');
    }
  }

  /** The snapshot's state when it fits: of this log, and not past the outbox checkpoint. */
  private async restored(): Promise<ReactorSnapshot | null> {
    if (this.snapshotFile === null) return null;
    const snapshot = readReactorSnapshot(this.snapshotFile);
    if (snapshot === null || this.checkpoint === null) return null;
    const fits =
      snapshot.logId === (await logIdOf(this.events)) && positionReached(this.checkpoint, snapshot.position);
    return fits ? snapshot : null;
  }

  /**
   * Only when every event folded in has had its messages enqueued (the outbox checkpoint is at
   * or past the state): a state ahead of the checkpoint would skip the messages in between.
   */
  private saveSnapshot(logId: string | null): void {
    const { snapshotFile, folded, checkpoint } = this;
    if (snapshotFile === null || logId === null || folded === null) return;
    if (!positionReached(checkpoint, folded)) return;
    if (this.foldedThisRun < this.snapshotMinEvents) return;
    writeReactorSnapshot(snapshotFile, { logId, position: folded, state: this.state });
  }

  private subscribe(from: ReactorSnapshot | null = null): void {
    this.state = from?.state ?? initialEmailReactorState();
    this.folded = from?.position ?? null;
    this.foldedThisRun = 0;
    const subscription = this.events.subscribeToAll(
      { maxBatch: BATCH, ...(from ? { after: from.position } : {}) },
      (batch) => this.handle(batch),
    );
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (error: unknown) => this.restartLater(subscription, error),
    );
  }

  private restartLater(failed: EventSubscription, error: unknown): void {
    if (this.stopped || this.subscription !== failed) return;
    this.logger.error({ err: error }, 'email reactor failed; starting over from its checkpoint');
    setTimeout(() => {
      if (this.stopped || this.subscription !== failed) return;
      this.outbox.checkpoint().then(
        (checkpoint) => {
          this.checkpoint = checkpoint;
          this.subscribe();
        },
        (reason: unknown) => this.restartLater(failed, reason),
      );
    }, RESTART_DELAY_MS).unref();
  }

  private async handle(batch: readonly StoredEvent[]): Promise<void> {
    const messages: EmailMessage[] = [];
    for (const event of batch) {
      if (!positionReached(this.checkpoint, event.position)) messages.push(...emailsFor(this.state, event));
      evolveEmailReactorState(this.state, event);
    }
    const last = batch[batch.length - 1]?.position;
    if (last !== undefined) this.folded = last;
    this.foldedThisRun += batch.length;
    // Catching up on a long log: let requests in between batches.
    if (batch.length === BATCH) await new Promise((resolve) => setImmediate(resolve));
    if (last === undefined || positionReached(this.checkpoint, last)) return;
    await this.outbox.enqueue(messages, last);
    this.checkpoint = last;
    if (messages.length > 0) this.onEnqueued();
  }
}
