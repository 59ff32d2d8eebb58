import { allProjections } from '../../projections';
import type { EventStore } from '../eventstore/port';
import type { MemoryReadModelStore } from '../readmodel/memory';
import type { Projector } from '../readmodel/projector';
import { rebuildInProcess } from '../readmodel/rebuild';
import { verifyReadModels } from '../readmodel/verify';
import type { ReplayOperations } from './replay-routes';

/** Verify and rebuild the read models this process keeps in memory. */
export const inProcessReplay = (
  events: EventStore,
  live: MemoryReadModelStore,
  projector: Projector,
): ReplayOperations => ({
  verify: (onProgress) =>
    verifyReadModels(events, live, allProjections, onProgress, (work) => projector.exclusive(work)),
  rebuild: (onProgress) => rebuildInProcess(events, live, allProjections, projector, onProgress),
});
