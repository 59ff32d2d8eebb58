import type { Logger } from 'pino';
import type { EventStore, EventSubscription, Position, StoredEvent } from '../eventstore/port';
import { positionReached } from '../eventstore/position';
import type { EmailMessage } from './email-message';
import type { EmailOutbox } from './outbox';
import { emailsFor } from './reactor';
import { evolveEmailReactorState, initialEmailReactorState, type EmailReactorState } from './reactor-state';

const RESTART_DELAY_MS = 1000;

/**
 * Feeds the event log to the email reactor and puts the messages of events past the outbox
 * checkpoint into the outbox, together with the new checkpoint. The reactor's state (people,
 * administrators, names) is folded from the whole log at every start; only events after the
 * checkpoint produce messages, so a restart never sends old mail again.
 */
export class EmailReactorRunner {
  private subscription: EventSubscription | null = null;
  private state: EmailReactorState = initialEmailReactorState();
  private checkpoint: Position | null = null;
  private stopped = true;

  constructor(
    private readonly events: EventStore,
    private readonly outbox: EmailOutbox,
    private readonly onEnqueued: () => void,
    private readonly logger: Logger,
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
    this.subscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
  }

  private subscribe(): void {
    this.state = initialEmailReactorState();
    const subscription = this.events.subscribeToAll({ maxBatch: 500 }, (batch) => this.handle(batch));
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
    if (last === undefined || positionReached(this.checkpoint, last)) return;
    await this.outbox.enqueue(messages, last);
    this.checkpoint = last;
    if (messages.length > 0) this.onEnqueued();
  }
}
