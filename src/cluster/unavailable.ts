import { DomainError } from '../domain/errors';

/** What a client is told while Redis is unreachable: nothing was changed, try again. */
export const redisUnavailable = (): DomainError =>
  new DomainError(
    'INTERNAL_SERVER_ERROR',
    'The service cannot reach its shared store right now, so nothing was changed; please try again shortly',
  );

/** Redis's own answers (a script's error, a wrong type) stay as they are; a lost connection is unavailability. */
export async function orUnavailable<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof Error && error.name === 'ReplyError') throw error;
    throw redisUnavailable();
  }
}
