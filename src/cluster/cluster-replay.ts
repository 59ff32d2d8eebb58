import type { Redis } from 'ioredis';
import { allProjections } from '../../projections';
import type { ReplayOperations } from '../app/replay-routes';
import type { EventStore } from '../eventstore/port';
import type { RedisReadModelStore } from '../readmodel/redis';
import { verifyReadModels } from '../readmodel/verify';
import type { ClusterProjector } from './cluster-projector';
import { rebuildInRedis } from './redis-rebuild';

/** Why a process that does not run every projection cannot rebuild (it cannot hold them). */
export const REBUILD_ELSEWHERE =
  'This process does not hold the lease of every projection, so it cannot hold them while the ' +
  'rebuilt read models take over; send the rebuild to the process whose /readyz lists every ' +
  'projection under "projecting"';

/**
 * Verify and rebuild the read models in Redis. Any process verifies (it reads Redis through the
 * store port, like the in-process store; its last attempt holds the projections when it runs
 * them); only the process that runs every projection rebuilds.
 */
export const clusterReplay = (
  events: EventStore,
  redis: Redis,
  prefix: string,
  live: RedisReadModelStore,
  cluster: ClusterProjector,
): ReplayOperations => ({
  verify: (onProgress) =>
    verifyReadModels(events, live, allProjections, onProgress, (work) =>
      cluster.holdsAll() ? cluster.exclusiveAll(work) : work(),
    ),
  rebuild: (onProgress) => rebuildInRedis(events, redis, prefix, live, allProjections, cluster, onProgress),
  refusal: (mode) => (mode === 'rebuild' && !cluster.holdsAll() ? REBUILD_ELSEWHERE : null),
});
