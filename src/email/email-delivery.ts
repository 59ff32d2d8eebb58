import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../app/config';
import type { EventStore } from '../eventstore/port';
import { createEmailMetrics } from './email-metrics';
import { EmailReactorRunner } from './reactor-runner';
import { EmailSender, type SenderOptions } from './sender';
import { SqliteSenderLease } from './sqlite-sender-lease';
import { SqliteEmailOutbox, outboxFile } from './sqlite-outbox';
import { EmlFileTransport, SmtpTransport, type MailTransport } from './transports';

export interface EmailDeliveryDeps {
  config: Pick<Config, 'dataDir' | 'smtpUrl' | 'mailFrom'>;
  events: EventStore;
  logger: Logger;
  registry: Registry;
  sender?: SenderOptions;
}

export interface EmailDelivery {
  stop(): Promise<void>;
}

export const emlFolder = (dataDir: string): string => path.join(dataDir, 'outbox');

/**
 * Email (contract "Email"): the reactor fills the outbox from the event log, the sender
 * delivers it. Every process runs both; the outbox takes each event's messages once, and
 * only the holder of the sender role (a lease) delivers.
 */
export async function startEmailDelivery(deps: EmailDeliveryDeps): Promise<EmailDelivery> {
  const { config, logger } = deps;
  mkdirSync(config.dataDir, { recursive: true });
  const outbox = new SqliteEmailOutbox(outboxFile(config.dataDir));
  const transport: MailTransport =
    config.smtpUrl === null
      ? new EmlFileTransport(emlFolder(config.dataDir), config.mailFrom, logger)
      : new SmtpTransport(config.smtpUrl, config.mailFrom);
  const lease = new SqliteSenderLease(outboxFile(config.dataDir));
  const sender = new EmailSender(
    outbox,
    transport,
    lease,
    createEmailMetrics(deps.registry, outbox),
    logger,
    deps.sender,
  );
  const reactor = new EmailReactorRunner(deps.events, outbox, () => sender.wake(), logger);
  try {
    await reactor.start();
  } catch (error) {
    transport.close();
    await lease.release();
    await outbox.close();
    throw error;
  }
  sender.start();
  return {
    async stop() {
      await reactor.stop();
      await sender.stop();
      await outbox.close();
    },
  };
}
