import type { JsonValue } from '../eventstore/port';

/** The contract's error codes (`extensions.code`). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

/** An expected failure with a contract code; its message is safe to show to the client. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, JsonValue> = {},
  ) {
    super(message);
  }
}

export const badInput = (message: string, field?: string): DomainError =>
  new DomainError('BAD_USER_INPUT', message, field === undefined ? {} : { field });
export const conflict = (message: string, extensions: Record<string, JsonValue> = {}): DomainError =>
  new DomainError('CONFLICT', message, extensions);
export const forbidden = (message = 'Not allowed'): DomainError => new DomainError('FORBIDDEN', message);
export const notFound = (message = 'Not found'): DomainError => new DomainError('NOT_FOUND', message);
