/**
 * How a failed delivery is handled:
 * - `permanent`: the SMTP server refused this message for good (5xx); retried a few times, then dead;
 * - `transient`: refused for now (4xx); retried with backoff;
 * - `unavailable`: no answer at all (connection refused or lost, timeout, TLS, login refused —
 *   a problem of the server or of the configuration, not of the message): retried with backoff,
 *   and the sender pauses.
 */
export type FailureKind = 'permanent' | 'transient' | 'unavailable';

export function classifyDeliveryError(error: unknown): FailureKind {
  const { responseCode, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    code?: unknown;
  };
  if (code === 'EAUTH' || typeof responseCode !== 'number') return 'unavailable';
  if (responseCode === 421) return 'unavailable'; // the server is closing the connection
  if (responseCode >= 500) return 'permanent';
  return 'transient';
}

/** Short, without credentials or stack: for the log and the dead letter. */
export function describeDeliveryError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\/\/[^@\s/]*@/g, '//***@').slice(0, 500);
}
