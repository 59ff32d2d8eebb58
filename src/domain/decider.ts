import type { JsonObject } from '../eventstore/port';

/** A domain event before it is stored: its type name and its data. */
export interface DomainEvent<T extends string = string, D extends JsonObject = JsonObject> {
  type: T;
  data: D;
}

/** Who is acting, as the command side sees it. */
export interface Actor {
  userId: string;
  /** Platform roles from the token (contract: `support`, `auditor`). */
  platformRoles: readonly string[];
  /** Set only when a `support` user sent `X-Support-Case`. */
  supportCaseId: string | null;
}

/** The service itself, for commands no person sent (reactions to events); recorded as no actor. */
export const SYSTEM_ACTOR: Actor = Object.freeze({
  userId: 'system',
  platformRoles: [],
  supportCaseId: null,
});

/** Who and when: built once per request by the application and recorded on every event. */
export interface CommandMetadata {
  actor: Actor;
  /** ISO-8601 time of the command. */
  at: string;
  /** The request that sent the command (recorded on its events); absent when none did. */
  correlationId?: string | null;
}

/** A command: what to do (`type`, `data`) and who asks when (`metadata`). */
export interface Command<
  Type extends string = string,
  Data = unknown,
  Metadata extends CommandMetadata = CommandMetadata,
> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: Metadata;
}

/**
 * A pure decider: no I/O, no clock, no randomness. Time, IDs and the actor arrive
 * inside the command. `decide` never changes the state it is given; `evolve` may update
 * it in place and return it (large aggregates would otherwise copy themselves per event),
 * so a state is never used again after it was evolved, and each fold starts from a fresh
 * `initialState()`.
 */
export interface Decider<C extends Command, E extends DomainEvent, S> {
  /** Names the aggregate (e.g. for caches keyed by stream). */
  readonly name: string;
  initialState(): S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
}
