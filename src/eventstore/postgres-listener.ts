import { Client, type ClientConfig } from 'pg';
import type { ReconnectPolicy } from './postgres-connection';

/**
 * One connection that LISTENs on a channel and calls `onWake` for every notification, and also
 * after every (re)connect, since notifications sent while it was away are lost. A lost connection
 * is re-established with growing delays, for as long as the listener is open; the tails' bounded
 * poll covers the time in between.
 */
export class PostgresListener {
  private client: Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private delayMs: number;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly policy: ReconnectPolicy,
    private readonly onWake: () => void,
  ) {
    this.delayMs = policy.firstDelayMs;
    void this.connect();
  }

  /** True while the LISTEN connection is up (for diagnostics and tests). */
  get listening(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', () => this.onWake());
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      onLost();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.delayMs = this.policy.firstDelayMs;
    this.onWake();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.policy.maxDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) void this.connect();
    }, delay);
  }
}
