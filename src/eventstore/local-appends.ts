const DEFAULT_CAPACITY = 100_000;

/**
 * Which streams this store appended to, by a sequence number per append, in bounded memory:
 * streams beyond the capacity are forgotten oldest first, and a question about a forgotten
 * stream is answered conservatively ("maybe appended").
 */
export class LocalAppends {
  private seq = 0;
  private forgottenUpTo = 0;
  private readonly lastAppend = new Map<string, number>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The sequence number of the latest append, for a later `appendedSince`. */
  get current(): number {
    return this.seq;
  }

  /** Records an append to the stream; returns its sequence number. */
  record(streamId: string): number {
    this.seq += 1;
    // Re-inserting keeps the map in order of last append, so the oldest is forgotten first.
    this.lastAppend.delete(streamId);
    this.lastAppend.set(streamId, this.seq);
    while (this.lastAppend.size > this.capacity) {
      const [oldest, seq] = this.lastAppend.entries().next().value as [string, number];
      this.lastAppend.delete(oldest);
      this.forgottenUpTo = seq;
    }
    return this.seq;
  }

  appendedSince(streamId: string, mark: number): boolean {
    const last = this.lastAppend.get(streamId);
    return last !== undefined ? last > mark : this.forgottenUpTo > mark;
  }
}
