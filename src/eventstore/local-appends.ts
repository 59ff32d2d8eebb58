import { RecentMap } from '../cache/recent-map';

const DEFAULT_CAPACITY = 100_000;

/**
 * Which streams this store appended to, by a sequence number per append, in bounded memory:
 * streams beyond the capacity are forgotten oldest first, and a question about a forgotten
 * stream is answered conservatively ("maybe appended").
 */
export class LocalAppends {
  private seq = 0;
  private forgottenUpTo = 0;
  private readonly lastAppend: RecentMap<string, number>;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.lastAppend = new RecentMap(capacity, (_stream, seq) => {
      this.forgottenUpTo = Math.max(this.forgottenUpTo, seq);
    });
  }

  /** The sequence number of the latest append, for a later `appendedSince`. */
  get current(): number {
    return this.seq;
  }

  /** Records an append to the stream; returns its sequence number. */
  record(streamId: string): number {
    this.seq += 1;
    this.lastAppend.set(streamId, this.seq);
    return this.seq;
  }

  appendedSince(streamId: string, mark: number): boolean {
    const last = this.lastAppend.get(streamId);
    return last !== undefined ? last > mark : this.forgottenUpTo > mark;
  }
}
