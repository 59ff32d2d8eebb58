import { randomUUID } from 'node:crypto';
import {
  SYSTEM_ACTOR,
  type Command,
  type CommandMetadata,
  type Decider,
  type DomainEvent,
} from '../domain/decider';
import { conflict } from '../domain/errors';
import type { ChangeMark, EventMetadata, EventStore, NewEvent, Position } from '../eventstore/port';
import { WrongExpectedVersionError } from '../eventstore/port';
import { RecentMap } from '../cache/recent-map';
import { KeyedLock } from './keyed-lock';

export interface CommandResult<E, S> {
  /** The events appended by this command (empty when it changed nothing). */
  events: E[];
  /** The aggregate's state after the command. */
  state: S;
  /** Global position of the last event appended, or null when nothing was appended. */
  position: Position | null;
  /**
   * Global position of the stream's last event that the decision saw (appended or read before);
   * null for a stream without events. Read models that reached it reflect the result.
   */
  basedOn: Position | null;
}

interface Loaded {
  state: unknown;
  /** Revision of the last event folded into `state`; -1 for a new stream. */
  revision: number;
  /** Global position of that event; null for a new stream. */
  position: Position | null;
  /** Taken before the stream was last read (null when the store cannot tell changes). */
  mark: ChangeMark | null;
}

const PAGE = 1000;

/**
 * Load → decide → append with the loaded revision as the expected one; on a concurrent
 * change, catch up and decide again (bounded), then CONFLICT. Loaded states stay cached so
 * a command reads only the events appended since it last saw the stream.
 */
export class CommandHandler {
  private readonly cache: RecentMap<string, Loaded>;
  // Deciders may evolve cached states in place, so one process handles one stream at a time.
  private readonly lock = new KeyedLock();
  private readonly queuedReads = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly options: { maxAttempts?: number; cacheSize?: number } = {},
  ) {
    this.cache = new RecentMap(options.cacheSize ?? 10_000);
  }

  async execute<C extends Command, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
  ): Promise<CommandResult<E, S>> {
    return this.lock.run(streamId, () => this.executeLocked(decider, streamId, command));
  }

  private async executeLocked<C extends Command, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
  ): Promise<CommandResult<E, S>> {
    const maxAttempts = this.options.maxAttempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(decider, streamId);
      const decided = decider.decide(command, loaded.state);
      if (decided.length === 0) {
        return { events: [], state: loaded.state, position: null, basedOn: loaded.position };
      }
      const events = decided.map((event) => toNewEvent(event, command.metadata));
      try {
        const result = await this.store.append(
          streamId,
          events,
          loaded.revision < 0 ? 'no_stream' : loaded.revision,
        );
        const state = decided.reduce(decider.evolve, loaded.state);
        this.remember(cacheKey(decider, streamId), {
          state,
          revision: result.nextExpectedRevision,
          position: result.position,
          // The store's mark for right after this append; else the one taken before the read,
          // so the next command reads the stream once more.
          mark: result.changeMark ?? loaded.mark,
        });
        return { events: decided, state, position: result.position, basedOn: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Whatever the mark says, the stream moved on: read it on the next attempt.
        this.forgetMark(cacheKey(decider, streamId));
        if (attempt >= maxAttempts) {
          throw conflict('The account was changed by others at the same time; please try again');
        }
        // Writers in other processes raced us: a short random wait keeps them from racing again in step.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
      }
    }
  }

  /** The aggregate's current state (cached, caught up with the stream). */
  async state<C extends Command, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
  ): Promise<{ state: S; position: Position | null }> {
    // Callers that arrive while a read of the stream waits for its turn share that read: it
    // will still see everything committed before they asked (many subscribers re-checking
    // their access on one update cost one read, not one each).
    const key = cacheKey(decider, streamId);
    const fresh = this.unchangedCached(key, streamId);
    if (fresh) return { state: fresh.state as S, position: fresh.position };
    const queued = this.queuedReads.get(key) as Promise<{ state: S; position: Position | null }> | undefined;
    if (queued) return queued;
    const read = this.lock.run(streamId, async () => {
      this.queuedReads.delete(key);
      const { state, position } = await this.load(decider, streamId);
      return { state, position };
    });
    this.queuedReads.set(key, read);
    return read;
  }

  /** The cached entry when the store can tell nothing was appended to the stream since it was read. */
  private unchangedCached(key: string, streamId: string): Loaded | undefined {
    const cached = this.cache.get(key);
    if (cached?.mark == null || !this.store.changedSince) return undefined;
    return this.store.changedSince(streamId, cached.mark) ? undefined : cached;
  }

  private async load<C extends Command, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
  ): Promise<Loaded & { state: S }> {
    const key = cacheKey(decider, streamId);
    const unchanged = this.unchangedCached(key, streamId);
    if (unchanged) return { ...unchanged, state: unchanged.state as S };
    // Before the read: whatever is appended after it makes the entry stale.
    const mark = this.store.changeMark?.() ?? null;
    const cached = this.cache.get(key);
    let state = (cached?.state as S | undefined) ?? decider.initialState();
    let revision = cached?.revision ?? -1;
    let position = cached?.position ?? null;
    for (;;) {
      const page = await this.store.readStream(streamId, { fromRevision: revision + 1, maxCount: PAGE });
      for (const event of page) state = decider.evolve(state, { type: event.type, data: event.data } as E);
      if (page.length > 0) {
        revision = page[page.length - 1].revision;
        position = page[page.length - 1].position;
      }
      if (page.length < PAGE) break;
    }
    this.remember(key, { state, revision, position, mark });
    return { state, revision, position, mark };
  }

  private forgetMark(key: string): void {
    const cached = this.cache.get(key);
    if (cached) this.cache.set(key, { ...cached, mark: null });
  }

  private remember(key: string, loaded: Loaded): void {
    this.cache.set(key, loaded);
  }
}

const cacheKey = (decider: { name: string }, streamId: string) => `${decider.name}\u0000${streamId}`;

/** Who, when and which request, recorded on every event the command appends. */
function toNewEvent(event: DomainEvent, metadata: CommandMetadata): NewEvent {
  const { actor } = metadata;
  const eventMetadata: EventMetadata = {
    actorId: actor === SYSTEM_ACTOR ? null : actor.userId,
    correlationId: metadata.correlationId ?? null,
    causationId: null,
    supportCaseId: actor.supportCaseId,
  };
  return {
    eventId: randomUUID(),
    type: event.type,
    occurredAt: metadata.at,
    data: event.data,
    metadata: eventMetadata,
  };
}
