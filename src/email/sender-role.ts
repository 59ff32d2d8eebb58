/**
 * Whether this process is, right now, the deployment's one email sender. The sender asks
 * before each batch; only the holder delivers. Embedded: a lease row in the outbox's SQLite
 * file (processes sharing a DATA_DIR); a shared store (Redis) can implement the same port.
 */
export interface SenderRole {
  held(): Promise<boolean>;
  release(): Promise<void>;
}
