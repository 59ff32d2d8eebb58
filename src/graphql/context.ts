import type { AppServices, Caller } from '../app/services';
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
  app: AppServices;
}

export function requireUser(context: GraphQLContext): SignedInUser {
  if (!context.user) throw new DomainError('UNAUTHENTICATED', 'Sign in: send Authorization: Bearer <token>');
  return context.user;
}

export function callerOf(context: GraphQLContext): Caller {
  return { actor: context.user?.actor ?? null, correlationId: context.correlationId };
}
