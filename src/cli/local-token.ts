import type { Config } from '../app/config';
import { issueToken, type TokenClaims } from '../auth/issue';
import { loadOrCreateJwtSecret } from '../auth/secret';

export const IDP_TOKENS_ONLY =
  'The server verifies tokens with AUTH_JWKS_URL / AUTH_PUBLIC_KEY: tokens must come from the identity provider.';

/**
 * A token signed with the server's own HS256 secret (created in DATA_DIR if the server has not
 * started yet); null when the server takes tokens from an identity provider instead.
 */
export async function issueLocalToken(
  config: Config,
  claims: TokenClaims,
  ttlSeconds: number,
): Promise<string | null> {
  if (config.auth.jwksUrl !== null || config.auth.publicKey !== null) return null;
  const secret = config.auth.jwtSecret ?? loadOrCreateJwtSecret(config.dataDir);
  return issueToken(secret, claims, ttlSeconds, {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
}
