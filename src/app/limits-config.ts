import { DEFAULT_LIMITS, type ServerLimits } from '../server/server-limits';

type Env = Record<string, string | undefined>;

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

/** The limits' environment variables (README "Limits"). */
export function loadLimits(env: Env): ServerLimits {
  return {
    maxCost: positiveInteger(env, 'MAX_QUERY_COST', DEFAULT_LIMITS.maxCost),
    maxSelections: positiveInteger(env, 'MAX_QUERY_SELECTIONS', DEFAULT_LIMITS.maxSelections),
    maxSubscriptionsPerConnection: positiveInteger(
      env,
      'MAX_SUBSCRIPTIONS_PER_CONNECTION',
      DEFAULT_LIMITS.maxSubscriptionsPerConnection,
    ),
    maxSubscriptionsPerUser: positiveInteger(
      env,
      'MAX_SUBSCRIPTIONS_PER_USER',
      DEFAULT_LIMITS.maxSubscriptionsPerUser,
    ),
    connectionInitsPerMinute: positiveInteger(
      env,
      'WS_CONNECTION_INITS_PER_MINUTE',
      DEFAULT_LIMITS.connectionInitsPerMinute,
    ),
  };
}

/** `ALLOWED_ORIGINS`: comma-separated origins, normalised (`https://app.example.com`); null when unset. */
export function loadAllowedOrigins(env: Env): string[] | null {
  const raw = env.ALLOWED_ORIGINS?.trim();
  if (!raw) return null;
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        throw new Error(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://app.example.com`);
      }
      if (url.origin === 'null' || url.pathname.length > 1 || url.search || url.hash) {
        throw new Error(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://app.example.com`);
      }
      return url.origin;
    });
}
