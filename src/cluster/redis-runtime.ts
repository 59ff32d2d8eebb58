import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { allProjections } from '../../projections';
import type { ReadModelRuntime } from '../app/read-model-runtime';
import type { Config } from '../app/config';
import type { EventStore } from '../eventstore/port';
import { RedisReadModelStore } from '../readmodel/redis';
import { ClusterProjector } from './cluster-projector';
import { RedisGuardedCommandHandler } from './guarded-command-handler';
import { processOwnerId, type LeaseOptions } from './lease';
import { RedisRateLimiter } from './redis-rate-limiter';

/** A connection that fails commands at once while Redis is unreachable and reconnects by itself. */
function connect(url: string, name: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: name,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down)
      logger.error(
        { err: error, connection: name },
        'Redis unreachable; writes are refused until it is back',
      );
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ connection: name }, 'Redis reachable again');
    down = false;
  });
  return redis;
}

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
  const redis = connect(config.redisUrl, 'saa-main', logger);
  const subscriber = connect(config.redisUrl, 'saa-feed', logger);
  try {
    await Promise.all([redis.connect(), subscriber.connect()]);
  } catch (error) {
    redis.disconnect();
    subscriber.disconnect();
    throw new Error(`Cannot connect to REDIS_URL: ${error instanceof Error ? error.message : String(error)}`);
  }
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
    replay: null,
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
