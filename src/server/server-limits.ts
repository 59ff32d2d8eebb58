import { DEFAULT_MAX_COST } from './query-cost';
import { MAX_SELECTIONS } from './selection-count';

/** The server's configurable limits (README "Limits"); the fixed ones live in limits.ts. */
export interface ServerLimits {
  /** Largest cost of one operation (query-cost.ts). */
  maxCost: number;
  /** Most selections one document may write (selection-count.ts). */
  maxSelections: number;
  /** Active subscriptions on one WebSocket connection. */
  maxSubscriptionsPerConnection: number;
  /** Active subscriptions of one user in this process, over all their connections. */
  maxSubscriptionsPerUser: number;
  /** WebSocket connection_init messages accepted from one client address per minute. */
  connectionInitsPerMinute: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxCost: DEFAULT_MAX_COST,
  maxSelections: MAX_SELECTIONS,
  maxSubscriptionsPerConnection: 100,
  maxSubscriptionsPerUser: 500,
  connectionInitsPerMinute: 600,
};
