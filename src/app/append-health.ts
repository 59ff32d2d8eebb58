import { open, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type ChangeMark,
  type BatchHandler,
  type EventStore,
  type EventSubscription,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
} from '../eventstore/port';

/** A cheap write that fails when appends would (full disk, read-only folder); throws then. */
export type WriteProbe = () => Promise<void>;

/** Writes, syncs and deletes a small file in the data folder: the embedded store's probe. */
export const dataFolderProbe =
  (dataDir: string): WriteProbe =>
  async () => {
    const file = path.join(dataDir, '.write-probe');
    const handle = await open(file, 'w');
    try {
      await handle.write(Buffer.alloc(4096));
      await handle.sync();
    } finally {
      await handle.close();
      await unlink(file).catch(() => undefined);
    }
  };

const reasonOf = (error: unknown): string => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'append failed';
};

/**
 * Whether the event store takes appends, for /readyz: failing from an append that failed (other than
 * on a concurrent change, which is the store working) until one succeeds again or, with a probe, until
 * the probe succeeds (so readiness recovers without traffic, which a load balancer stops sending).
 */
export class AppendHealth {
  private failure: string | null = null;

  constructor(private readonly probe: WriteProbe | null) {}

  /** The store, with every append's outcome recorded here. */
  track(store: EventStore): EventStore {
    return new TrackedEventStore(store, this);
  }

  recordSuccess(): void {
    this.failure = null;
  }

  recordFailure(error: unknown): void {
    this.failure = reasonOf(error);
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (this.failure === null) return { ok: true };
    if (this.probe) {
      try {
        await this.probe();
        this.failure = null;
        return { ok: true };
      } catch {
        // still failing: report the append's reason
      }
    }
    return { ok: false, reason: this.failure ?? 'append failed' };
  }
}

class TrackedEventStore implements EventStore {
  // Forwarded as they are: without them every query would read the stream to catch up.
  readonly changeMark?: () => ChangeMark;
  readonly changedSince?: (streamId: string, mark: ChangeMark) => boolean;

  constructor(
    private readonly store: EventStore,
    private readonly health: AppendHealth,
  ) {
    if (store.changeMark && store.changedSince) {
      this.changeMark = store.changeMark.bind(store);
      this.changedSince = store.changedSince.bind(store);
    }
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      const result = await this.store.append(streamId, events, expected);
      this.health.recordSuccess();
      return result;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) this.health.recordSuccess();
      else this.health.recordFailure(error);
      throw error;
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.store.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.store.readAll(options);
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): EventSubscription {
    return this.store.subscribeToAll(options, handler);
  }

  headPosition(): Promise<Position | null> {
    return this.store.headPosition();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
