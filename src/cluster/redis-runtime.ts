import type { Logger } from 'pino';
import { allProjections } from '../../projections';
import type { ReadModelRuntime } from '../app/read-model-runtime';
import type { Config } from '../app/config';
import type { EventStore } from '../eventstore/port';
import { RedisReadModelStore } from '../readmodel/redis';
import { ClusterProjector } from './cluster-projector';
import { clusterReplay } from './cluster-replay';
import { RedisGuardedCommandHandler } from './guarded-command-handler';
import { processOwnerId, type LeaseOptions } from './lease';
import { connectRedis, openRedisConnections } from './redis-connection';
import { RedisRateLimiter } from './redis-rate-limiter';

export interface RedisRuntimeOptions {
  lease?: LeaseOptions;
}

/** Read models, their progress, live updates and rate limits in Redis (REDIS_URL). */
export async function openRedisRuntime(
  config: Config & { redisUrl: string },
  events: EventStore,
  logger: Logger,
  options: RedisRuntimeOptions = {},
): Promise<ReadModelRuntime> {
  const prefix = config.redisKeyPrefix;
  const redis = connectRedis(config.redisUrl, 'saa-main', logger);
  const subscriber = connectRedis(config.redisUrl, 'saa-feed', logger);
  await openRedisConnections([redis, subscriber]);
  const reads = new RedisReadModelStore(redis, prefix);
  const progress = new ClusterProjector(events, reads, redis, subscriber, prefix, allProjections, logger, {
    runProjections: config.role !== 'api',
    owner: processOwnerId(),
    lease: options.lease,
  });
  return {
    reads,
    progress,
    commands: new RedisGuardedCommandHandler(events, redis),
    replay: clusterReplay(events, redis, prefix, reads, progress),
    memory: null,
    rateLimiter: (name, limit, windowMs) =>
      new RedisRateLimiter(redis, `${prefix}rl:${name}:`, limit, windowMs),
    async readiness() {
      if (redis.status !== 'ready' || subscriber.status !== 'ready') {
        return { ready: false, details: { eventStore: 'reachable', redis: 'unreachable' } };
      }
      const caughtUp = await progress.caughtUp();
      return {
        ready: caughtUp,
        details: {
          eventStore: 'reachable',
          redis: 'reachable',
          projections: caughtUp ? 'caught up' : 'behind',
          projecting: progress.held(),
        },
      };
    },
    async close() {
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
