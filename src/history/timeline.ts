import { initialAccountState, type AccountState } from '../domain/account/state';
import type { Position, StoredEvent } from '../eventstore/port';
import { comparePositions } from '../eventstore/position';
import { cloneState } from './clone-state';
import { asAccountEvent } from './entry';
import { evolveAccount } from '../domain/account/state';
import { subjectsOf } from './summary';

/** An as-of query replays at most this many events on top of a snapshot. */
export const SNAPSHOT_INTERVAL = 1000;

export interface HistoryFilterData {
  types?: readonly string[] | null;
  actorId?: string | null;
  subjectUserId?: string | null;
  /** Inclusive bounds, epoch milliseconds. */
  fromMs?: number | null;
  toMs?: number | null;
}

const NO_SUBJECTS: readonly string[] = Object.freeze([]);

/**
 * What one account's history needs in memory, built by folding its stream once through the
 * live system's `evolveAccount`: a small index per event (type, actor, subjects, time,
 * position) for filters, and a copy of the state after every `interval`-th event, so any
 * moment is at most `interval` events of replay away. Pure: the caller feeds it events.
 */
export class AccountTimeline {
  private head: AccountState = initialAccountState();
  private readonly types: string[] = [];
  private readonly actors: Array<string | null> = [];
  private readonly subjects: Array<readonly string[]> = [];
  private readonly times: number[] = [];
  /** Latest time seen up to each revision: "as of t" is the longest prefix that happened by t. */
  private readonly reached: number[] = [];
  private readonly positions: Position[] = [];
  private readonly snapshots: Array<{ revision: number; state: AccountState }> = [];

  constructor(readonly interval = SNAPSHOT_INTERVAL) {}

  /** Revision of the last event folded in; -1 before any. */
  get revision(): number {
    return this.types.length - 1;
  }

  get snapshotCount(): number {
    return this.snapshots.length;
  }

  /** Folds the next events of the stream in; they must follow on without a gap. */
  append(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.revision !== this.revision + 1) {
        throw new Error(
          `History of ${event.streamId}: expected revision ${this.revision + 1}, got ${event.revision}`,
        );
      }
      const domainEvent = asAccountEvent(event);
      this.head = evolveAccount(this.head, domainEvent);
      const subjects = subjectsOf(domainEvent);
      const time = Date.parse(event.occurredAt);
      this.types.push(event.type);
      this.actors.push(event.metadata.actorId);
      this.subjects.push(subjects.length === 0 ? NO_SUBJECTS : subjects);
      this.times.push(time);
      this.reached.push(Math.max(time, this.reached[this.reached.length - 1] ?? -Infinity));
      this.positions.push(event.position);
      if ((event.revision + 1) % this.interval === 0)
        this.snapshots.push({ revision: event.revision, state: cloneState(this.head) });
    }
  }

  /** A private copy of the state after `revision` (-1: before the first event). */
  latestState(): { revision: number; state: AccountState } {
    return { revision: this.revision, state: cloneState(this.head) };
  }

  /**
   * The newest state at or before `revision` this timeline keeps (a snapshot, the head, or the
   * empty state), as a private copy: replaying the events after it up to `revision` gives the
   * state at `revision`.
   */
  baseFor(revision: number): { revision: number; state: AccountState } {
    if (revision >= this.revision) return this.latestState();
    const index = this.snapshotIndexFor(revision);
    if (index === -1) return { revision: -1, state: initialAccountState() };
    const snapshot = this.snapshots[index];
    return { revision: snapshot.revision, state: cloneState(snapshot.state) };
  }

  /** The revision `baseFor(revision)` would start from. */
  baseRevisionFor(revision: number): number {
    if (revision >= this.revision) return this.revision;
    const index = this.snapshotIndexFor(revision);
    return index === -1 ? -1 : this.snapshots[index].revision;
  }

  private snapshotIndexFor(revision: number): number {
    let low = 0;
    let high = this.snapshots.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.snapshots[middle].revision <= revision) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  /** The last revision of the longest prefix of the stream that had happened by `ms`; -1 if none. */
  revisionAt(ms: number): number {
    let low = 0;
    let high = this.reached.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.reached[middle] <= ms) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  occurredAtMs(revision: number): number {
    return this.times[revision];
  }

  /** The first revision whose global position is after `position` (`revision + 1` when none). */
  revisionAfter(position: Position): number {
    let low = 0;
    let high = this.positions.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (comparePositions(this.positions[middle], position) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Revisions of the events that pass `filter`, oldest first. */
  matching(filter: HistoryFilterData): number[] {
    const types = filter.types ? new Set(filter.types) : null;
    const { actorId, subjectUserId } = filter;
    const fromMs = filter.fromMs ?? -Infinity;
    const toMs = filter.toMs ?? Infinity;
    const revisions: number[] = [];
    for (let revision = 0; revision <= this.revision; revision++) {
      if (types !== null && !types.has(this.types[revision])) continue;
      if (actorId != null && this.actors[revision] !== actorId) continue;
      if (subjectUserId != null && !this.subjects[revision].includes(subjectUserId)) continue;
      const time = this.times[revision];
      if (time < fromMs || time > toMs) continue;
      revisions.push(revision);
    }
    return revisions;
  }
}
