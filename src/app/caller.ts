import type { Actor, CommandMetadata } from '../domain/decider';

/** Who sent a request: the signed-in actor (null when anonymous) and the request's correlation ID. */
export interface Caller {
  actor: Actor | null;
  correlationId: string | null;
}

export interface SignedInCaller extends Caller {
  actor: Actor;
}

/** A command's who and when: the one place a request's metadata is built, reading the clock once. */
export function commandMetadata(caller: SignedInCaller, clock: () => Date): CommandMetadata {
  return { actor: caller.actor, at: clock().toISOString(), correlationId: caller.correlationId };
}
