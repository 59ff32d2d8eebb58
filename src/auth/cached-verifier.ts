import { RecentMap } from '../cache/recent-map';
import type { Claims, TokenVerifier } from './claims';

const DEFAULT_MAX_ENTRIES = 10_000;

interface Entry {
  claims: Claims;
  /** ms since the epoch: the token's `exp`. */
  expiresAt: number;
}

export interface CachedVerifierOptions {
  maxEntries?: number;
  now?: () => number;
}

/**
 * Remembers verified tokens by their exact text until their `exp` (least recently used
 * forgotten first, see `RecentMap`), so a client sending the same token on every request pays for one
 * signature check. Refusals are not remembered; after `exp` the token is verified (and
 * refused) again.
 */
export function cachedTokenVerifier(
  inner: TokenVerifier,
  options: CachedVerifierOptions = {},
): TokenVerifier {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const entries = new RecentMap<string, Entry>(maxEntries);
  return {
    async verify(token: string): Promise<Claims> {
      const cached = entries.get(token);
      if (cached !== undefined) {
        if (cached.expiresAt > now()) return cached.claims;
        entries.delete(token);
      }
      const verified = await inner.verify(token);
      // Shared by every request with this token: frozen, so none can change it for the others.
      const claims = Object.freeze({ ...verified, roles: Object.freeze([...verified.roles]) as string[] });
      const expiresAt = claims.exp * 1000;
      if (expiresAt > now()) {
        entries.set(token, { claims, expiresAt });
      }
      return claims;
    },
  };
}
