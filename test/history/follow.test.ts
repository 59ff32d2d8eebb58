import path from 'node:path';
import { accountStreamId, type AccountEvent } from '../../src/domain/account';
import type { EventStore, StoredEvent } from '../../src/eventstore/port';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { AccountHistory, type LiveFeed } from '../../src/history/account-history';
import type { HistoryEntryData } from '../../src/history/entry';
import { WakeUps } from '../../src/history/wake-ups';
import { tempDir } from '../support/temp';
import { ACCOUNT, userAdded, whole, withVirtualAccounts } from '../domain/account/fixtures';

/** A live feed the test fires by hand (or never). */
function manualFeed(): { live: LiveFeed; fire(events: readonly StoredEvent[]): void } {
  const listeners = new Set<(events: readonly StoredEvent[]) => void>();
  return {
    live: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire: (events) => {
      for (const listener of listeners) listener(events);
    },
  };
}

const append = (store: EventStore, events: readonly AccountEvent[], from: number) =>
  store.append(
    accountStreamId(ACCOUNT),
    events.map((event, i) => ({
      eventId: `event-${from + i}`,
      type: event.type,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, from + i)).toISOString(),
      data: event.data,
      metadata: { actorId: 'alice', correlationId: null, causationId: null, supportCaseId: null },
    })),
    'any',
  );

async function take(
  follower: AsyncIterableIterator<HistoryEntryData>,
  count: number,
): Promise<HistoryEntryData[]> {
  const entries: HistoryEntryData[] = [];
  while (entries.length < count) {
    const next = await follower.next();
    if (next.done) break;
    entries.push(next.value);
  }
  return entries;
}

describe('following an account history', () => {
  const temp = tempDir('saas-follow-');
  let store: EventStore;
  beforeEach(() => {
    store = openSqliteEventStore({
      file: path.join(temp.dir, `${expect.getState().currentTestName}.sqlite`),
    });
  });
  afterEach(() => store.close());
  afterAll(() => temp.remove());

  const viewer = (userId: string) => userAdded(userId, [whole('SMART_ACCOUNT_VIEWER')]);

  /** A follower from the account's start that has handed out its first entry (bob, revision 5). */
  async function following(options: { live: LiveFeed; recheckMs?: number }) {
    await append(store, [...withVirtualAccounts, viewer('bob')], 0);
    const [start] = await store.readStream(accountStreamId(ACCOUNT), { fromRevision: 4, maxCount: 1 });
    const follower = new AccountHistory(store, options).follow(ACCOUNT, start.position, async () => true);
    expect((await take(follower, 1)).map((entry) => entry.subjectUserId)).toEqual(['bob']);
    return follower;
  }

  test('with no notice at all, a follower that rechecks still gets every new event, in order, once', async () => {
    const follower = await following({ live: manualFeed().live, recheckMs: 20 });
    const arriving = take(follower, 2);
    // Appended after the follower looked (it was asked for more first), never announced.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await append(store, [viewer('carol'), viewer('dave')], 6);
    const entries = await arriving;
    await follower.return?.();
    expect(entries.map((entry) => [entry.revision, entry.subjectUserId])).toEqual([
      [6, 'carol'],
      [7, 'dave'],
    ]);
  });

  test('a notice without events (a commit another process projected) wakes the follower', async () => {
    const feed = manualFeed();
    const follower = await following({ live: feed.live });
    const arriving = take(follower, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await append(store, [viewer('carol')], 6);
    const [other] = await store.readStream(accountStreamId(ACCOUNT), { fromRevision: 0, maxCount: 1 });
    feed.fire([{ ...other, streamId: 'account-someone-else' }]);
    feed.fire([]);
    expect((await arriving).map((entry) => entry.revision)).toEqual([6]);
    await follower.return?.();
  });
});

describe('wake-ups', () => {
  test('a signal between looking and sleeping is not slept through', async () => {
    const wakeUps = new WakeUps();
    const mark = wakeUps.mark();
    wakeUps.signal();
    await wakeUps.sleep(mark);
  });

  test('without a signal, a recheck wakes the sleeper', async () => {
    const wakeUps = new WakeUps(10);
    await wakeUps.sleep(wakeUps.mark());
  });

  test('a signal wakes the sleeper', async () => {
    const wakeUps = new WakeUps();
    const sleeping = wakeUps.sleep(wakeUps.mark());
    wakeUps.signal();
    await sleeping;
  });
});
