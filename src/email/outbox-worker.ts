import type { Logger } from 'pino';
import type { EventStore } from '../eventstore/port';
import type { EmailMetrics } from './email-metrics';
import type { EmailOutbox } from './outbox';
import { EmailReactorRunner } from './reactor-runner';
import { EmailSender, type SenderOptions } from './sender';
import type { SenderRole } from './sender-role';
import type { MailTransport } from './transports';

export interface EmailDelivery {
  stop(): Promise<void>;
}

export interface OutboxWorkerParts {
  events: EventStore;
  outbox: EmailOutbox;
  transport: MailTransport;
  role: SenderRole;
  metrics: EmailMetrics;
  logger: Logger;
  sender?: SenderOptions;
  /** Where the reactor keeps its state between runs (see EmailReactorRunner). */
  reactorSnapshotFile?: string;
}

/**
 * The email reactor filling `outbox` from the event log, and the sender delivering it.
 * `stop()` stops both, closes the transport and gives the role up; the outbox stays open
 * (it is its opener's).
 */
export async function startOutboxWorker(parts: OutboxWorkerParts): Promise<EmailDelivery> {
  const { events, outbox, transport, role, logger } = parts;
  const sender = new EmailSender(outbox, transport, role, parts.metrics, logger, parts.sender);
  const reactor = new EmailReactorRunner(
    events,
    outbox,
    () => sender.wake(),
    logger,
    parts.reactorSnapshotFile ?? null,
  );
  try {
    await reactor.start();
  } catch (error) {
    transport.close();
    await role.release();
    throw error;
  }
  sender.start();
  return {
    async stop() {
      await reactor.stop();
      await sender.stop();
    },
  };
}
