import { DomainError } from '../domain/errors';

/** What a client is told while Redis is unreachable: nothing was changed, try again. */
export const redisUnavailable = (): DomainError =>
  new DomainError(
    'INTERNAL_SERVER_ERROR',
    'The service cannot reach its shared store right now, so nothing was changed; please try again shortly',
  );
