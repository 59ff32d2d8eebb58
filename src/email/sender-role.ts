/**
 * Whether this process is, right now, the deployment's one email sender. The sender asks
 * before each batch; only the holder delivers. Embedded: a lease row in the outbox's SQLite
 * file (processes sharing a DATA_DIR); with REDIS_URL: the Redis sender lease (redis-sender-role.ts).
 */
export interface SenderRole {
  held(): Promise<boolean>;
  release(): Promise<void>;
}
