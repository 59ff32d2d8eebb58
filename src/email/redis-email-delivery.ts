import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { RedisLease, processOwnerId, type LeaseOptions } from '../cluster/lease';
import { connectRedis, openRedisConnections } from '../cluster/redis-connection';
import type { EventStore } from '../eventstore/port';
import { createEmailMetrics } from './email-metrics';
import { startOutboxWorker, type EmailDelivery } from './outbox-worker';
import { RedisEmailOutbox, SENDER_LEASE_NAME, redisOutboxCounts } from './redis-outbox';
import { RedisSenderRole } from './redis-sender-role';
import type { SenderOptions } from './sender';
import type { MailTransport } from './transports';

export interface RedisEmailDeliveryDeps {
  redisUrl: string;
  prefix: string;
  /** Whether this process competes for the sender lease (not with `ROLE=api`). */
  compete: boolean;
  events: EventStore;
  newTransport: () => MailTransport;
  /** Where the reactor keeps its state between runs (in this process's DATA_DIR). */
  reactorSnapshotFile: string;
  logger: Logger;
  registry: Registry;
  sender?: SenderOptions;
  lease?: LeaseOptions;
}

/**
 * Email with REDIS_URL: one outbox in Redis for every process, filled and delivered by the
 * holder of the sender lease alone (its reactor and sender run while it holds the lease, and
 * every outbox write carries the lease's fencing token). When the holder dies another process
 * takes the lease within the lease's TTL and carries on from the outbox's checkpoint.
 */
export async function startRedisEmailDelivery(deps: RedisEmailDeliveryDeps): Promise<EmailDelivery> {
  const { prefix, logger } = deps;
  const redis = connectRedis(deps.redisUrl, 'saa-email', logger);
  await openRedisConnections([redis]);
  const metrics = createEmailMetrics(deps.registry, { counts: () => redisOutboxCounts(redis, prefix) });
  let running: EmailDelivery | null = null;
  const lease = new RedisLease(
    redis,
    prefix,
    SENDER_LEASE_NAME,
    processOwnerId(),
    {
      start: async (fence) => {
        running = await startOutboxWorker({
          events: deps.events,
          outbox: new RedisEmailOutbox(redis, prefix, fence),
          transport: deps.newTransport(),
          role: new RedisSenderRole(redis, prefix, fence),
          metrics,
          logger,
          sender: deps.sender,
          reactorSnapshotFile: deps.reactorSnapshotFile,
        });
      },
      stop: async () => {
        const stopping = running;
        running = null;
        await stopping?.stop();
      },
    },
    logger,
    deps.lease,
  );
  if (deps.compete) await lease.start();
  return {
    async stop() {
      await lease.close();
      redis.disconnect();
    },
  };
}
