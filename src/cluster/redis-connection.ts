import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** A connection that fails commands at once while Redis is unreachable and reconnects by itself. */
export function connectRedis(url: string, name: string, logger: Logger): Redis {
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

/** Connects, or throws a start-up error that names REDIS_URL. */
export async function openRedisConnections(redis: readonly Redis[]): Promise<void> {
  try {
    await Promise.all(redis.map((connection) => connection.connect()));
  } catch (error) {
    for (const connection of redis) connection.disconnect();
    throw new Error(`Cannot connect to REDIS_URL: ${error instanceof Error ? error.message : String(error)}`);
  }
}
