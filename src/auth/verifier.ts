import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Logger } from 'pino';
import type { Config } from '../app/config';
import { DomainError } from '../domain/errors';
import type { Claims, TokenVerifier } from './claims';
import { remoteKeyVerifier } from './remote-keys';
import { loadOrCreateJwtSecret } from './secret';

/** The platform roles a token may carry; anything else in `roles` is ignored. */
export const PLATFORM_ROLES: readonly string[] = ['support', 'auditor'];

const CLOCK_TOLERANCE_SECONDS = 5;

const unauthenticated = (message: string): DomainError => new DomainError('UNAUTHENTICATED', message);

/**
 * The token of an `Authorization: Bearer <token>` header; null when there is no (or an empty) header.
 * @throws DomainError UNAUTHENTICATED when a header is present but is not a bearer token
 */
export function bearerToken(header: string | undefined | null): string | null {
  if (header === undefined || header === null || header.trim() === '') return null;
  const match = /^\s*bearer +([^\s]+)\s*$/i.exec(header);
  if (!match) throw unauthenticated('malformed Authorization header');
  return match[1];
}

type VerifyJwt = (token: string, options: JWTVerifyOptions) => Promise<JWTPayload>;

/** AUTH_PUBLIC_KEY may come from an env var with its newlines escaped as `\n`. */
function parsePublicKey(pem: string): { key: KeyObject; algorithm: 'RS256' | 'ES256' } {
  const key = createPublicKey(pem.trim().replace(/\\n/g, '\n'));
  if (key.asymmetricKeyType === 'rsa') return { key, algorithm: 'RS256' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { key, algorithm: 'ES256' };
  }
  throw new Error('AUTH_PUBLIC_KEY must be an RSA or P-256 EC public key (RS256 / ES256)');
}

function keyMode(
  auth: Config['auth'],
  dataDir: string,
  logger: Logger | undefined,
): { algorithms: string[]; verifyJwt: VerifyJwt } {
  if (auth.jwksUrl !== null) {
    return { algorithms: ['RS256', 'ES256'], verifyJwt: remoteKeyVerifier(auth.jwksUrl, logger) };
  }
  if (auth.publicKey !== null) {
    const { key, algorithm } = parsePublicKey(auth.publicKey);
    return {
      algorithms: [algorithm],
      verifyJwt: async (token, options) => (await jwtVerify(token, key, options)).payload,
    };
  }
  const secret = new TextEncoder().encode(auth.jwtSecret ?? loadOrCreateJwtSecret(dataDir));
  return {
    algorithms: ['HS256'],
    verifyJwt: async (token, options) => (await jwtVerify(token, secret, options)).payload,
  };
}

/** A short reason for the client; jose's own messages stay out of responses. */
function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp') return 'token has no valid expiry';
    if (error.claim === 'iss') return 'token issuer not accepted';
    if (error.claim === 'aud') return 'token audience not accepted';
    return 'invalid token claims';
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return 'token algorithm not accepted';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return 'invalid token signature';
  }
  return 'invalid token';
}

const nonEmpty = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** `roles` may be a string array or one comma/space separated string; unknown roles are dropped. */
function parseRoles(value: unknown): string[] {
  const raw = typeof value === 'string' ? value.split(/[\s,]+/) : Array.isArray(value) ? value : [];
  const known = raw.filter(
    (role): role is string => typeof role === 'string' && PLATFORM_ROLES.includes(role),
  );
  return [...new Set(known)];
}

function toClaims(payload: JWTPayload): Claims {
  const sub = nonEmpty(payload.sub);
  if (sub === null) throw unauthenticated('token has no subject');
  // The email is how invitations and notifications reach a user, so a token without one is refused
  // rather than given a made-up address; a missing name falls back to the email's local part.
  const email = nonEmpty(payload.email);
  if (email === null) throw unauthenticated('token has no email');
  const name = nonEmpty(payload.name) ?? email.split('@')[0];
  if (typeof payload.exp !== 'number') throw unauthenticated('token has no valid expiry');
  return {
    sub,
    email,
    name,
    company: nonEmpty(payload.company),
    roles: parseRoles(payload.roles),
    exp: payload.exp,
  };
}

/**
 * Verifies bearer tokens: HS256 with AUTH_JWT_SECRET (or the secret kept in DATA_DIR) by default, or
 * RS256/ES256 with AUTH_JWKS_URL / AUTH_PUBLIC_KEY, in which case HS256 tokens are refused.
 */
export function createTokenVerifier(auth: Config['auth'], dataDir: string, logger?: Logger): TokenVerifier {
  const { algorithms, verifyJwt } = keyMode(auth, dataDir, logger);
  const options: JWTVerifyOptions = {
    algorithms,
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(auth.issuer !== null && { issuer: auth.issuer }),
    ...(auth.audience !== null && { audience: auth.audience }),
  };
  return {
    async verify(token: string): Promise<Claims> {
      let payload: JWTPayload;
      try {
        payload = await verifyJwt(token, options);
      } catch (error) {
        if (error instanceof DomainError) throw error;
        throw unauthenticated(reason(error));
      }
      return toClaims(payload);
    },
  };
}
