import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../app/config';
import type { EventStore } from '../eventstore/port';
import { createEmailMetrics } from './email-metrics';
import { startOutboxWorker, type EmailDelivery } from './outbox-worker';
import { reactorSnapshotFile } from './reactor-snapshot';
import { startRedisEmailDelivery } from './redis-email-delivery';
import type { SenderOptions } from './sender';
import { SqliteSenderLease } from './sqlite-sender-lease';
import { SqliteEmailOutbox, outboxFile } from './sqlite-outbox';
import { EmlFileTransport, SmtpTransport, type MailTransport } from './transports';

export type { EmailDelivery } from './outbox-worker';

export interface EmailDeliveryDeps {
  config: Pick<Config, 'dataDir' | 'smtpUrl' | 'mailFrom' | 'redisUrl' | 'redisKeyPrefix' | 'role'>;
  events: EventStore;
  logger: Logger;
  registry: Registry;
  sender?: SenderOptions;
}

export const emlFolder = (dataDir: string): string => path.join(dataDir, 'outbox');

/**
 * Email (contract "Email"): the reactor fills the outbox from the event log, the sender
 * delivers it, and only the holder of the sender role (a lease) delivers. Without REDIS_URL
 * every process runs the reactor on an outbox and lease in DATA_DIR (the outbox takes each
 * event's messages once); with it, see startRedisEmailDelivery.
 */
export async function startEmailDelivery(deps: EmailDeliveryDeps): Promise<EmailDelivery> {
  const { config, logger } = deps;
  mkdirSync(config.dataDir, { recursive: true });
  const newTransport = (): MailTransport =>
    config.smtpUrl === null
      ? new EmlFileTransport(emlFolder(config.dataDir), config.mailFrom, logger)
      : new SmtpTransport(config.smtpUrl, config.mailFrom);
  if (config.redisUrl !== null) {
    return startRedisEmailDelivery({
      redisUrl: config.redisUrl,
      prefix: config.redisKeyPrefix,
      compete: config.role !== 'api',
      events: deps.events,
      newTransport,
      logger,
      registry: deps.registry,
      sender: deps.sender,
      reactorSnapshotFile: reactorSnapshotFile(config.dataDir),
    });
  }
  const outbox = new SqliteEmailOutbox(outboxFile(config.dataDir));
  let worker: EmailDelivery;
  try {
    worker = await startOutboxWorker({
      events: deps.events,
      outbox,
      transport: newTransport(),
      role: new SqliteSenderLease(outboxFile(config.dataDir)),
      metrics: createEmailMetrics(deps.registry, outbox),
      logger,
      sender: deps.sender,
      reactorSnapshotFile: reactorSnapshotFile(config.dataDir),
    });
  } catch (error) {
    await outbox.close();
    throw error;
  }
  return {
    async stop() {
      await worker.stop();
      await outbox.close();
    },
  };
}
