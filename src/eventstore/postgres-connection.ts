import { Pool, type PoolClient, type PoolConfig } from 'pg';

/** How long and how often an operation is retried while PostgreSQL cannot be reached. */
export interface ReconnectPolicy {
  /** Give up (EventStoreUnavailableError) once this long has passed since the first failure. */
  timeoutMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  timeoutMs: 30_000,
  firstDelayMs: 50,
  maxDelayMs: 2_000,
};

/** PostgreSQL could not be reached for the whole of the reconnect policy's time. */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  constructor(what: string, elapsedMs: number, cause: unknown) {
    super(
      `PostgreSQL event store unreachable (${what}) for ${elapsedMs} ms: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE: class 08 connection exceptions; 57P01–57P03 the server shutting down or starting up.
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03']);

/** True for failures a new connection may cure; false for errors of the statement itself. */
// Not `instanceof Error`: socket errors come from Node's own realm, which is not the test runner's.
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SERVER_GONE_STATES.has(code) || code.startsWith('08')) return true;
  }
  // node-postgres' own errors for a connection lost mid-query or not established in time.
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
      message,
    )
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation`, and again with growing delays while it fails for want of a connection. Only
 * for operations that are safe to repeat: reads, and appends (idempotent by event ID, so a retry
 * after a commit whose acknowledgement was lost returns the first result).
 */
export async function withReconnect<T>(
  what: string,
  policy: ReconnectPolicy,
  operation: () => Promise<T>,
): Promise<T> {
  let firstFailure: number | null = null;
  let delay = policy.firstDelayMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      firstFailure ??= Date.now();
      const elapsed = Date.now() - firstFailure;
      if (elapsed >= policy.timeoutMs) throw new EventStoreUnavailableError(what, elapsed, error);
      await sleep(Math.min(delay, policy.timeoutMs - elapsed));
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}

/**
 * A pool whose broken connections never crash the process: a connection the server ends reports
 * it as an 'error' event, possibly while no query runs on it (even in the moment between its
 * checkout and the first query). The failure that matters reaches the next query on it instead,
 * and the pool drops the connection.
 */
export function createPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs `work` in one transaction on one pooled connection; a failed connection is not reused. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (isConnectionError(error)) failure = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(failure);
  }
}
