import { createParameterDecorator } from 'type-graphql';
import type { AppApi } from '../app/api';
import type { SignedInCaller } from '../app/caller';
import type { Claims } from '../auth/claims';
import type { Actor } from '../domain/decider';
import { DomainError } from '../domain/errors';

export interface SignedInUser {
  claims: Claims;
  actor: Actor;
}

export interface GraphQLContext {
  correlationId: string;
  /** Null for an anonymous caller (no Authorization header). */
  user: SignedInUser | null;
  app: AppApi;
}

/** The signed-in caller; UNAUTHENTICATED for an anonymous one. */
export function signedInCaller(context: GraphQLContext): SignedInCaller {
  if (!context.user) throw new DomainError('UNAUTHENTICATED', 'Sign in: send Authorization: Bearer <token>');
  return { actor: context.user.actor, correlationId: context.correlationId };
}

/** Parameter decorator: the signed-in caller (UNAUTHENTICATED for an anonymous one). */
export function Caller() {
  return createParameterDecorator<GraphQLContext>(({ context }) => signedInCaller(context));
}
