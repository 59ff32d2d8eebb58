import type { Logger } from 'pino';
import { classifyDeliveryError, describeDeliveryError, type FailureKind } from './delivery-errors';
import type { EmailMetrics } from './email-metrics';
import type { EmailOutbox, OutboxEntry } from './outbox';
import type { SenderRole } from './sender-role';
import type { MailTransport } from './transports';

export interface SenderOptions {
  /** A refused message's first retry; doubles with each failure, up to `maxRetryDelayMs`. */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** How long the sender first waits when the SMTP server does not answer; doubles up to `maxPauseMs`. */
  pauseBaseMs?: number;
  maxPauseMs?: number;
  /** Permanent refusals (5xx) of one message before it becomes a dead letter. */
  deadAfterPermanentFailures?: number;
  /** Messages handed to the transport at once. */
  batchSize?: number;
}

export const SENDER_DEFAULTS: Required<SenderOptions> = {
  retryBaseMs: 1000,
  maxRetryDelayMs: 5 * 60_000,
  pauseBaseMs: 500,
  maxPauseMs: 30_000,
  deadAfterPermanentFailures: 3,
  batchSize: 50,
};

/** Nothing pending: look again at least this often (new messages also wake the sender). */
const IDLE_RECHECK_MS = 60_000;
/** Another process is the sender: ask again this often whether the role is free. */
const ROLE_RECHECK_MS = 5_000;

const backoff = (base: number, max: number, failures: number): number =>
  Math.min(max, base * 2 ** Math.min(Math.max(failures - 1, 0), 20));

/**
 * Delivers the outbox at least once: a message leaves the outbox only after the transport
 * accepted it, so a crash in between sends it again (with the same Message-ID).
 */
export class EmailSender {
  private readonly options: Required<SenderOptions>;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pausedUntil = 0;
  private unanswered = 0;

  constructor(
    private readonly outbox: EmailOutbox,
    private readonly transport: MailTransport,
    private readonly role: SenderRole,
    private readonly metrics: EmailMetrics,
    private readonly logger: Logger,
    options: SenderOptions = {},
  ) {
    this.options = { ...SENDER_DEFAULTS, ...options };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New messages are waiting. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Finishes the messages in hand, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.transport.close();
    await this.role.release();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const pause = this.pausedUntil - Date.now();
        if (pause > 0) {
          await this.sleep(pause);
          continue;
        }
        if (!(await this.role.held())) {
          await this.sleep(ROLE_RECHECK_MS);
          continue;
        }
        const entries = await this.outbox.due(Date.now(), this.options.batchSize);
        if (entries.length === 0) {
          const next = await this.outbox.nextDueAt();
          await this.sleep(next === null ? IDLE_RECHECK_MS : Math.min(IDLE_RECHECK_MS, next - Date.now()));
          continue;
        }
        const outcomes = await Promise.all(entries.map((entry) => this.deliver(entry)));
        if (outcomes.includes('unavailable')) this.pauseAfterNoAnswer();
        else if (outcomes.includes('sent')) this.unanswered = 0;
      } catch (error) {
        this.logger.error({ err: error }, 'email outbox failed; trying again shortly');
        await this.sleep(this.options.pauseBaseMs);
      }
    }
  }

  private async deliver(entry: OutboxEntry): Promise<'sent' | FailureKind> {
    const { message } = entry;
    try {
      await this.transport.send(message);
    } catch (error) {
      const kind = classifyDeliveryError(error);
      await this.recordFailure(entry, kind, describeDeliveryError(error));
      return kind;
    }
    await this.outbox.markSent(entry.seq);
    this.metrics.sent.inc();
    this.logger.debug({ messageId: message.messageId, kind: message.kind }, 'email sent');
    return 'sent';
  }

  private async recordFailure(entry: OutboxEntry, kind: FailureKind, error: string): Promise<void> {
    const permanentFailures = entry.permanentFailures + (kind === 'permanent' ? 1 : 0);
    const dead = permanentFailures >= this.options.deadAfterPermanentFailures;
    // A server that does not answer is no fault of the message: the sender's pause covers it.
    const delay =
      kind === 'unavailable'
        ? 0
        : backoff(this.options.retryBaseMs, this.options.maxRetryDelayMs, entry.attempts + 1);
    const retryAt = Date.now() + delay;
    await this.outbox.markFailed(entry.seq, { error, permanent: kind === 'permanent', retryAt, dead });
    const log = { messageId: entry.message.messageId, kind: entry.message.kind, failure: kind, error };
    if (dead) {
      this.metrics.dead.inc();
      this.logger.error({ ...log, permanentFailures }, 'email refused for good; kept as a dead letter');
    } else {
      this.metrics.retried.inc();
      this.logger.warn(
        { ...log, attempts: entry.attempts + 1, retryInMs: delay },
        'email not delivered; will retry',
      );
    }
  }

  private pauseAfterNoAnswer(): void {
    this.unanswered += 1;
    const pause = backoff(this.options.pauseBaseMs, this.options.maxPauseMs, this.unanswered);
    this.pausedUntil = Date.now() + pause;
    this.logger.warn({ pauseMs: pause }, 'SMTP server not answering; email delivery paused');
  }

  private sleep(ms: number): Promise<void> {
    // Stopped while the loop awaited the outbox: `wake()` found no sleep to cut short.
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}
