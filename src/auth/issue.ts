import { SignJWT, type JWTPayload } from 'jose';

export interface TokenClaims {
  sub: string;
  email?: string;
  name?: string;
  company?: string;
  roles?: string[];
}

export interface IssueOptions {
  issuer?: string | null;
  audience?: string | null;
}

/** Signs an HS256 bearer token that expires after `ttlSeconds` (for the CLI and tests). */
export async function issueToken(
  secret: string,
  claims: TokenClaims,
  ttlSeconds = 86400,
  options: IssueOptions = {},
): Promise<string> {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new Error(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
  const payload: JWTPayload = {};
  if (claims.email !== undefined) payload.email = claims.email;
  if (claims.name !== undefined) payload.name = claims.name;
  if (claims.company !== undefined) payload.company = claims.company;
  if (claims.roles !== undefined) payload.roles = claims.roles;
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
