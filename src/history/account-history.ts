import { accountStreamId } from '../domain/account/decider';
import type { EffectiveRoleAssignment } from '../domain/account/permissions';
import { evolveAccount, type AccountState } from '../domain/account/state';
import { badInput } from '../domain/errors';
import type { EventStore, Position, StoredEvent } from '../eventstore/port';
import { KeyedLock } from '../app/keyed-lock';
import { AccessReasonTracker, type AccessReasonData } from './access-reasons';
import type { AccessChangeData } from './access';
import { diffAccess } from './diff';
import { asAccountEvent, explainAndEvolve, type HistoryEntryData } from './entry';
import { snapshotOf, type SnapshotData } from './snapshot';
import { AccountTimeline, SNAPSHOT_INTERVAL, type HistoryFilterData } from './timeline';
import { WakeUps } from './wake-ups';

const PAGE = 1000;
/** Entries an export explains at a time (an event of a large group's access carries one change per member). */
const EXPORT_CHUNK = 200;
/** Accounts whose timelines stay in memory (least recently used ones are dropped). */
export const HISTORY_CACHE_ACCOUNTS = 100;

export interface HistoryPage {
  items: Array<{ seq: number; node: HistoryEntryData }>;
  totalCount: number;
}

export interface DiffData {
  accountId: string;
  from: string;
  to: string;
  fromRevision: number;
  toRevision: number;
  changes: AccessChangeData[];
}

/**
 * Tells followers that events were committed: the events themselves in the process that
 * projected them, none when the commit is known only by its notice (it was projected in another
 * process). Returns the unsubscribe function.
 */
export type LiveFeed = (listener: (events: readonly StoredEvent[]) => void) => () => void;

/**
 * Reads an account's history from the event store and explains it: pages of entries,
 * the account as of any moment, diffs, access reasons, exports and live following. Timelines
 * (index + snapshots) are cached per account and caught up with the stream on every use.
 */
export class AccountHistory {
  private readonly timelines = new Map<string, AccountTimeline>();
  private readonly lock = new KeyedLock();

  constructor(
    private readonly store: EventStore,
    private readonly options: {
      /** Wakes followers when events were committed (the projector's notice). */
      live: LiveFeed;
      /**
       * How often a follower reads its stream without a notice (none: only on notices). Notices
       * that cross processes can be lost on the way; reads by revision make a late look harmless.
       */
      recheckMs?: number | null;
      clock?: () => Date;
      interval?: number;
      maxAccounts?: number;
    },
  ) {}

  private now(): string {
    return (this.options.clock ?? (() => new Date()))().toISOString();
  }

  /** The account's timeline, caught up with everything its stream holds now. */
  async timeline(accountId: string): Promise<AccountTimeline> {
    const streamId = accountStreamId(accountId);
    return this.lock.run(streamId, async () => {
      const timeline =
        this.timelines.get(streamId) ?? new AccountTimeline(this.options.interval ?? SNAPSHOT_INTERVAL);
      for (;;) {
        const page = await this.store.readStream(streamId, {
          fromRevision: timeline.revision + 1,
          maxCount: PAGE,
        });
        timeline.append(page);
        if (page.length < PAGE) break;
      }
      this.timelines.delete(streamId);
      this.timelines.set(streamId, timeline);
      const limit = this.options.maxAccounts ?? HISTORY_CACHE_ACCOUNTS;
      while (this.timelines.size > limit) this.timelines.delete(this.timelines.keys().next().value as string);
      return timeline;
    });
  }

  /** One page of entries that pass `filter`; `after` is the revision of the previous page's last entry. */
  async page(
    accountId: string,
    filter: HistoryFilterData,
    options: { first: number; after?: number; newestFirst: boolean },
  ): Promise<HistoryPage> {
    const timeline = await this.timeline(accountId);
    const matching = timeline.matching(filter);
    const { first, after, newestFirst } = options;
    const ordered = newestFirst ? [...matching].reverse() : matching;
    const start =
      after === undefined
        ? 0
        : firstIndex(ordered, (revision) => (newestFirst ? revision < after : revision > after));
    const revisions = ordered.slice(start, start + first + 1);
    const entries = await this.entries(accountId, timeline, revisions);
    return {
      items: revisions.map((revision) => ({
        seq: revision,
        node: entries.get(revision) as HistoryEntryData,
      })),
      totalCount: matching.length,
    };
  }

  /** Every entry that passes `filter`, explained a chunk at a time (memory stays flat). */
  async *export(
    accountId: string,
    filter: HistoryFilterData,
    newestFirst = false,
  ): AsyncGenerator<HistoryEntryData> {
    const timeline = await this.timeline(accountId);
    const matching = timeline.matching(filter);
    if (newestFirst) matching.reverse();
    for (let start = 0; start < matching.length; start += EXPORT_CHUNK) {
      const chunk = matching.slice(start, start + EXPORT_CHUNK);
      const entries = await this.entries(accountId, timeline, chunk);
      for (const revision of chunk) yield entries.get(revision) as HistoryEntryData;
    }
  }

  /** The account rebuilt as it stood at `atMs` (or after `revision`; neither: now). */
  async asOf(accountId: string, at: { atMs?: number; revision?: number }): Promise<SnapshotData> {
    if (at.atMs !== undefined && at.revision !== undefined)
      throw badInput('Give either at or revision, not both', 'revision');
    const timeline = await this.timeline(accountId);
    let revision = timeline.revision;
    let asOf = this.now();
    if (at.revision !== undefined) {
      if (!Number.isInteger(at.revision) || at.revision < 0 || at.revision > timeline.revision)
        throw badInput(`revision must be from 0 to ${timeline.revision}`, 'revision');
      revision = at.revision;
      asOf = new Date(timeline.occurredAtMs(revision)).toISOString();
    } else if (at.atMs !== undefined) {
      revision = timeline.revisionAt(at.atMs);
      asOf = new Date(at.atMs).toISOString();
    }
    if (revision < 0) throw badInput('The Smart Account did not exist yet at that moment', 'at');
    return snapshotOf(await this.stateAt(accountId, timeline, revision), revision, asOf);
  }

  /** Who gained, lost or changed effective access between two moments. */
  async diff(accountId: string, range: { fromMs: number; toMs?: number }): Promise<DiffData> {
    const timeline = await this.timeline(accountId);
    const toMs = range.toMs ?? Date.parse(this.now());
    if (toMs < range.fromMs) throw badInput('to must not be before from', 'to');
    const fromRevision = timeline.revisionAt(range.fromMs);
    const toRevision = range.toMs === undefined ? timeline.revision : timeline.revisionAt(toMs);
    const [from, to] = await Promise.all([
      this.stateAt(accountId, timeline, fromRevision),
      this.stateAt(accountId, timeline, toRevision),
    ]);
    return {
      accountId,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      fromRevision,
      toRevision,
      changes: diffAccess(from, to),
    };
  }

  /**
   * Why `userId` holds each of `roles` (their effective roles now, external ones included),
   * with the granting events explained.
   */
  async reasons(
    accountId: string,
    userId: string,
    roles: readonly EffectiveRoleAssignment[],
  ): Promise<Array<Omit<AccessReasonData, 'grantedBy'> & { grantedBy: HistoryEntryData[] }>> {
    const timeline = await this.timeline(accountId);
    const tracker = new AccessReasonTracker(userId);
    const relevant = mergeSorted(
      timeline.matching({ subjectUserId: userId }),
      timeline.matching({ types: REASON_TYPES }),
    );
    for await (const event of this.readRevisions(accountId, relevant)) tracker.add(event);
    const reasons = tracker.reasons(roles);
    const revisions = [...new Set(reasons.flatMap((r) => r.grantedBy.map((event) => event.revision)))].sort(
      (a, b) => a - b,
    );
    const entries = await this.entries(accountId, timeline, revisions);
    return reasons.map((reason) => ({
      ...reason,
      grantedBy: reason.grantedBy.map((event) => entries.get(event.revision) as HistoryEntryData),
    }));
  }

  /**
   * Every entry after `after` (a global position; null: from now on), then each new one as it
   * is committed. Entries come by revision from the event store, the live feed only wakes the
   * follower, so the seam between the two has no gap and no repeat.
   */
  follow(
    accountId: string,
    after: Position | null,
    mayRead: () => Promise<boolean>,
  ): AsyncIterableIterator<HistoryEntryData> {
    const streamId = accountStreamId(accountId);
    let closed = false;
    const wakeUps = new WakeUps(this.options.recheckMs ?? null);
    const unsubscribe = this.options.live((events) => {
      // Events of other streams only: nothing for this follower (an empty list may be anything).
      if (events.length === 0 || events.some((event) => event.streamId === streamId)) wakeUps.signal();
    });
    const close = () => {
      closed = true;
      unsubscribe();
      wakeUps.signal();
    };
    const generate = async function* (this: AccountHistory): AsyncGenerator<HistoryEntryData> {
      const start = await this.timeline(accountId);
      let next = after === null ? start.revision + 1 : start.revisionAfter(after);
      while (!closed) {
        // Taken before reading: a notice that comes while reading is not slept through.
        const mark = wakeUps.mark();
        const timeline = await this.timeline(accountId);
        if (timeline.revision >= next) {
          const last = Math.min(timeline.revision, next + PAGE - 1);
          const revisions = range(next, last);
          const entries = await this.entries(accountId, timeline, revisions);
          next = last + 1;
          if (!(await mayRead())) continue;
          for (const revision of revisions) {
            if (closed) return;
            yield entries.get(revision) as HistoryEntryData;
          }
          continue;
        }
        await wakeUps.sleep(mark);
      }
    }.call(this);
    return {
      next: () => generate.next(),
      return: async () => {
        close();
        await generate.return(undefined);
        return { done: true, value: undefined };
      },
      throw: async (error?: unknown) => {
        close();
        await generate.return(undefined);
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** The state after `revision` (-1: the empty state): a snapshot plus at most `interval` events. */
  async stateAt(accountId: string, timeline: AccountTimeline, revision: number): Promise<AccountState> {
    let { revision: reached, state } = timeline.baseFor(revision);
    while (reached < revision) {
      const page = await this.store.readStream(accountStreamId(accountId), {
        fromRevision: reached + 1,
        maxCount: Math.min(PAGE, revision - reached),
      });
      if (page.length === 0) break;
      for (const event of page) state = evolveAccount(state, asAccountEvent(event));
      reached = page[page.length - 1].revision;
    }
    return state;
  }

  /** The entries at `revisions` (any order), each explained against the state just before it. */
  async entries(
    accountId: string,
    timeline: AccountTimeline,
    revisions: readonly number[],
  ): Promise<Map<number, HistoryEntryData>> {
    const wanted = [...revisions].sort((a, b) => a - b);
    const entries = new Map<number, HistoryEntryData>();
    if (wanted.length === 0) return entries;
    let { revision: reached, state } = timeline.baseFor(wanted[0] - 1);
    let index = 0;
    while (index < wanted.length) {
      // Far from the next wanted event: start again from a nearer snapshot.
      if (timeline.baseRevisionFor(wanted[index] - 1) > reached)
        ({ revision: reached, state } = timeline.baseFor(wanted[index] - 1));
      const page = await this.store.readStream(accountStreamId(accountId), {
        fromRevision: reached + 1,
        maxCount: Math.min(PAGE, wanted[wanted.length - 1] - reached),
      });
      if (page.length === 0) break;
      for (const event of page) {
        if (event.revision === wanted[index]) {
          const explained = explainAndEvolve(state, event);
          state = explained.state;
          entries.set(event.revision, explained.entry);
          index++;
        } else state = evolveAccount(state, asAccountEvent(event));
        reached = event.revision;
        if (index >= wanted.length || timeline.baseRevisionFor(wanted[index] - 1) > reached) break;
      }
    }
    return entries;
  }

  /** The events at `revisions` (ascending), read in runs of consecutive revisions. */
  private async *readRevisions(accountId: string, revisions: readonly number[]): AsyncGenerator<StoredEvent> {
    let index = 0;
    while (index < revisions.length) {
      let end = index;
      while (
        end + 1 < revisions.length &&
        revisions[end + 1] === revisions[end] + 1 &&
        end - index < PAGE - 1
      )
        end++;
      yield* await this.store.readStream(accountStreamId(accountId), {
        fromRevision: revisions[index],
        maxCount: end - index + 1,
      });
      index = end + 1;
    }
  }
}

/** Events that can give a role to anyone, whoever they are about. */
const REASON_TYPES = [
  'GroupCreated',
  'GroupAccessChanged',
  'GroupDeleted',
  'ExternalGroupAccessGranted',
  'ExternalGroupAccessRevoked',
];

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function firstIndex(items: readonly number[], passes: (item: number) => boolean): number {
  const index = items.findIndex(passes);
  return index === -1 ? items.length : index;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
