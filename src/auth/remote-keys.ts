import { types } from 'node:util';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Logger } from 'pino';
import { withoutCredentials } from '../app/startup-failure';
import { DomainError } from '../domain/errors';

/** Whether verifying failed because the key set could not be fetched, not because of the token. */
function isKeyFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // jose's own "Expected 200 OK" / "Failed to parse" are plain JOSEErrors; network errors are not JOSE's.
  if (error instanceof errors.JOSEError) return error.constructor === errors.JOSEError;
  // isNativeError, not instanceof: Node's network errors may come from another realm (as under Jest).
  return types.isNativeError(error);
}

function fetchFailureReason(error: unknown): string {
  if (error instanceof errors.JWKSTimeout) return 'no answer in time';
  if (error instanceof errors.JWKSInvalid) return 'the answer is not a JSON Web Key Set';
  const code = (error as NodeJS.ErrnoException).code;
  const message = types.isNativeError(error) ? error.message : String(error);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * RS256/ES256 tokens verified with the identity provider's keys at AUTH_JWKS_URL. When the keys
 * cannot be fetched, the log says from where and why, and the caller gets "token keys unavailable".
 */
export function remoteKeyVerifier(
  jwksUrl: string,
  logger: Logger | undefined,
): (token: string, options: JWTVerifyOptions) => Promise<JWTPayload> {
  const url = new URL(jwksUrl);
  const jwks = createRemoteJWKSet(url);
  return async (token, options) => {
    try {
      return (await jwtVerify(token, jwks, options)).payload;
    } catch (error) {
      if (!isKeyFetchFailure(error)) throw error;
      logger?.error(
        { jwksUrl: withoutCredentials(url.href), reason: fetchFailureReason(error) },
        'cannot fetch the token keys (AUTH_JWKS_URL)',
      );
      throw new DomainError('UNAUTHENTICATED', 'token keys unavailable');
    }
  };
}
