import path from 'node:path';
import { checkSmtpUrl } from '../email/smtp-url';
import type { ServerLimits } from '../server/server-limits';
import { loadAllowedOrigins, loadLimits } from './limits-config';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  eventStore: 'sqlite' | 'kurrentdb' | 'postgres';
  kurrentConnectionString: string | null;
  postgresUrl: string | null;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel of this service (several deployments may share a Redis). */
  redisKeyPrefix: string;
  /**
   * `api` serves the API and never projects or sends email; `projector` competes for the
   * projections and the email sender and serves no API (only health, readiness, metrics and the
   * replay routes); `all` both. Other than `all` needs REDIS_URL.
   */
  role: Role;
  auth: {
    jwtSecret: string | null;
    jwksUrl: string | null;
    publicKey: string | null;
    issuer: string | null;
    audience: string | null;
  };
  smtpUrl: string | null;
  mailFrom: string;
  accessReminderIntervalSeconds: number;
  production: boolean;
  logLevel: string;
  limits: ServerLimits;
  /** Null: any origin (no CORS headers, every WebSocket upgrade). */
  allowedOrigins: string[] | null;
}

export type Role = 'api' | 'projector' | 'all';

type Env = Record<string, string | undefined>;

const text = (env: Env, name: string): string | null => {
  const value = env[name]?.trim();
  return value ? value : null;
};

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads the contract's configuration variables ("Running it"); throws on a bad value. */
export function loadConfig(env: Env = process.env): Config {
  const eventStore = text(env, 'EVENT_STORE') ?? 'sqlite';
  if (eventStore !== 'sqlite' && eventStore !== 'kurrentdb' && eventStore !== 'postgres') {
    throw new Error(`EVENT_STORE must be "sqlite", "postgres" or "kurrentdb", got "${eventStore}"`);
  }
  const kurrentConnectionString = text(env, 'KURRENTDB_CONNECTION_STRING');
  if (eventStore === 'kurrentdb' && kurrentConnectionString === null) {
    throw new Error('EVENT_STORE=kurrentdb needs KURRENTDB_CONNECTION_STRING');
  }
  const postgresUrl = text(env, 'POSTGRES_URL');
  if (eventStore === 'postgres' && postgresUrl === null) {
    throw new Error('EVENT_STORE=postgres needs POSTGRES_URL');
  }
  if (postgresUrl !== null && !/^postgres(ql)?:\/\/[^/]/.test(postgresUrl)) {
    throw new Error('POSTGRES_URL must look like postgres://user@host:5432/database');
  }
  const redisUrl = text(env, 'REDIS_URL');
  const role = text(env, 'ROLE') ?? 'all';
  if (role !== 'api' && role !== 'projector' && role !== 'all') {
    throw new Error(`ROLE must be "api", "projector" or "all", got "${role}"`);
  }
  if (role !== 'all' && redisUrl === null) {
    throw new Error(`ROLE=${role} needs REDIS_URL: without it one process does everything`);
  }
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: text(env, 'HOST') ?? '127.0.0.1',
    dataDir: path.resolve(text(env, 'DATA_DIR') ?? './data'),
    eventStore,
    kurrentConnectionString,
    postgresUrl,
    redisUrl,
    redisKeyPrefix: text(env, 'REDIS_KEY_PREFIX') ?? 'saa:',
    role,
    auth: {
      jwtSecret: text(env, 'AUTH_JWT_SECRET'),
      jwksUrl: text(env, 'AUTH_JWKS_URL'),
      publicKey: text(env, 'AUTH_PUBLIC_KEY'),
      issuer: text(env, 'AUTH_ISSUER'),
      audience: text(env, 'AUTH_AUDIENCE'),
    },
    smtpUrl: checkSmtpUrl(text(env, 'SMTP_URL')),
    mailFrom: text(env, 'MAIL_FROM') ?? 'Smart Account access <no-reply@localhost>',
    accessReminderIntervalSeconds: integer(env, 'ACCESS_REMINDER_INTERVAL_SECONDS', 86400, 0, 365 * 86400),
    production: env.NODE_ENV === 'production',
    logLevel: text(env, 'LOG_LEVEL') ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    limits: loadLimits(env),
    allowedOrigins: loadAllowedOrigins(env),
  };
}
