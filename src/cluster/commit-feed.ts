import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Position } from '../eventstore/port';
import { compareFeedIds, feedId, positionOfFeedId } from '../readmodel/feed-id';
import type { Notification } from '../readmodel/projection';

/** A projection's commit as this process learns of it: its checkpoint and its notifications. */
export type CommitListener = (
  projection: string,
  checkpoint: Position,
  notifications: readonly Notification[],
) => void;

/** How often the checkpoints are read even when no message came (a lost message, a Redis restart). */
const REFRESH_MS = 1000;
const GAP_PAGE = 1000;

interface Track {
  /** Feed ID of the last commit handed to the listener; null before the first commit. */
  delivered: string | null;
  /** Messages are handled one after another per projection. */
  queue: Promise<void>;
}

/**
 * Every projection commit, as every process sees it. The commit script publishes a message
 * (`projection \n previous \n checkpoint \n notifications`) and adds the same to the
 * projection's feed (a capped Redis stream). Pub/sub is at most once, so a message whose
 * `previous` is not the last one handed on, a reconnect, or a checkpoint found ahead reads the
 * missing commits from the feed first: the listener gets each commit once, in order.
 */
export class CommitFeed {
  private readonly tracks = new Map<string, Track>();
  private readonly checkpoints = new Map<string, Position | null>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(
    private readonly redis: Redis,
    /** A connection of its own: in subscriber mode it can do nothing else. */
    private readonly subscriber: Redis,
    private readonly prefix: string,
    projections: readonly string[],
    private readonly listener: CommitListener,
    private readonly logger: Logger,
  ) {
    for (const name of projections) {
      this.tracks.set(name, { delivered: null, queue: Promise.resolve() });
      this.checkpoints.set(name, null);
    }
  }

  /** Subscribes, then takes the current checkpoints as delivered (nothing older is handed on). */
  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.onMessage(message);
    });
    // ioredis subscribes again by itself after a reconnect; what was published meanwhile is lost.
    this.subscriber.on('ready', () => {
      if (this.started) void this.refresh().catch(() => undefined);
    });
    await this.subscriber.subscribe(this.channel);
    const ids = await this.readCheckpoints();
    for (const [name, id] of ids) {
      const track = this.tracks.get(name);
      if (track) track.delivered = id;
      this.checkpoints.set(name, id === null ? null : positionOfFeedId(id));
    }
    this.started = true;
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS).unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.tracks.values()].map((track) => track.queue));
  }

  /** The projection's checkpoint as last seen (null: none yet). */
  checkpoint(projection: string): Position | null {
    return this.checkpoints.get(projection) ?? null;
  }

  /** Reads every checkpoint from Redis; closes the gap of any projection found ahead. */
  async refresh(): Promise<void> {
    for (const [name, id] of await this.readCheckpoints()) {
      // Redis's value even when lower (Redis restarted empty: the read models start over).
      this.checkpoints.set(name, id === null ? null : positionOfFeedId(id));
      const track = this.tracks.get(name);
      if (track && id !== null && (track.delivered === null || compareFeedIds(id, track.delivered) > 0)) {
        this.enqueue(name, () => this.closeGap(name));
      }
    }
  }

  private get channel(): string {
    return `${this.prefix}feed`;
  }

  private async readCheckpoints(): Promise<Array<[string, string | null]>> {
    const names = [...this.tracks.keys()];
    const ids = await this.redis.mget(names.map((name) => `${this.prefix}cp:${name}`));
    return names.map((name, i) => [name, ids[i]]);
  }

  private onMessage(message: string): void {
    // Before start() has read the checkpoints: they include this commit already.
    if (!this.started) return;
    const [projection, previous, id, notifications] = message.split('\n');
    if (!this.tracks.has(projection) || notifications === undefined) return;
    this.enqueue(projection, async () => {
      const track = this.tracks.get(projection);
      if (!track || (track.delivered !== null && compareFeedIds(id, track.delivered) <= 0)) return;
      if ((previous === '' ? null : previous) === track.delivered) {
        this.deliver(projection, track, id, notifications);
      } else {
        await this.closeGap(projection);
      }
    });
  }

  private enqueue(projection: string, work: () => Promise<void>): void {
    const track = this.tracks.get(projection);
    if (!track) return;
    track.queue = track.queue.then(work).catch((error: unknown) => {
      this.logger.warn(
        { err: error, projection },
        'reading missed commits failed; retrying on the next refresh',
      );
    });
  }

  /** Hands on the commits after the last delivered one, from the feed. */
  private async closeGap(projection: string): Promise<void> {
    const track = this.tracks.get(projection);
    if (!track) return;
    for (;;) {
      const start = track.delivered === null ? '-' : `(${track.delivered}`;
      const entries = await this.redis.xrange(
        `${this.prefix}feed:${projection}`,
        start,
        '+',
        'COUNT',
        GAP_PAGE,
      );
      for (const [id, fields] of entries) {
        const at = fields.indexOf('n');
        this.deliver(projection, track, id, at >= 0 ? fields[at + 1] : '[]');
      }
      if (entries.length < GAP_PAGE) return;
    }
  }

  private deliver(projection: string, track: Track, id: string, notifications: string): void {
    track.delivered = id;
    const checkpoint = positionOfFeedId(id);
    const current = this.checkpoints.get(projection) ?? null;
    if (current === null || compareFeedIds(id, feedId(current)) > 0) {
      this.checkpoints.set(projection, checkpoint);
    }
    try {
      this.listener(projection, checkpoint, JSON.parse(notifications) as Notification[]);
    } catch (error) {
      this.logger.error({ err: error, projection }, 'commit listener failed');
    }
  }
}
