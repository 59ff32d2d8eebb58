import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EventStore, Position } from '../eventstore/port';
import { catchUpProjection } from '../readmodel/catch-up';
import { MemoryReadModelStore } from '../readmodel/memory';
import type { ReadModelEntry } from '../readmodel/port';
import type { Projection } from '../readmodel/projection';
import type { Rebuild } from '../readmodel/rebuild';
import type { RedisReadModelStore } from '../readmodel/redis';
import { RedisStagingArea } from '../readmodel/redis-staging';
import { encodeCheckpoints, replayToLiveCheckpoints, type ReplayProgress } from '../readmodel/scratch-replay';
import type { ClusterProjector } from './cluster-projector';

async function* keysOf(store: MemoryReadModelStore, projection: Projection): AsyncGenerator<ReadModelEntry> {
  for await (const entry of store.entries()) {
    if (projection.keyPrefixes.some((prefix) => entry.key.startsWith(prefix))) yield entry;
  }
}

/**
 * Rebuilds the Redis read models from the log without a moment of emptiness, in the process
 * that runs every projection (it holds their leases). The whole log is replayed into a fresh
 * in-process store up to the live checkpoints while the live read models keep serving; then,
 * one projection at a time, its keys are copied to a staging area in Redis, the projection is
 * held between two batches, the staging area catches up with the last few events and takes the
 * live keys' place in one fenced script (refused if another process took the lease meanwhile).
 * Nothing is announced to subscribers: the events were announced when they happened.
 */
export async function rebuildInRedis(
  events: EventStore,
  redis: Redis,
  prefix: string,
  live: RedisReadModelStore,
  projections: readonly Projection[],
  cluster: ClusterProjector,
  onProgress?: ReplayProgress,
): Promise<Rebuild> {
  await RedisStagingArea.clearAbandoned(redis, prefix);
  const scratch = new MemoryReadModelStore();
  const targets = await replayToLiveCheckpoints(events, scratch, live, projections, onProgress);
  const reached = new Map<string, Position | null>();
  for (const projection of projections) {
    const staging = new RedisStagingArea(redis, prefix, randomUUID());
    try {
      await staging.load(projection.name, keysOf(scratch, projection), targets.get(projection.name) ?? null);
      const checkpoint = await cluster.exclusive(projection.name, async (fence) => {
        const target = await live.getCheckpoint(projection.name);
        if (target !== null) await catchUpProjection(events, staging.store, projection, target);
        await staging.takeOver(projection, fence);
        return target;
      });
      reached.set(projection.name, checkpoint);
    } finally {
      await staging.drop();
    }
  }
  return { checkpoints: encodeCheckpoints(reached) };
}
