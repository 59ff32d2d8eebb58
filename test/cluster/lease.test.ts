import pino from 'pino';
import { Redis } from 'ioredis';
import { RedisLease, type Fence, type SingletonWorker } from '../../src/cluster/lease';
import { FencedOffError, RedisReadModelStore } from '../../src/readmodel/redis';
import type { Position } from '../../src/eventstore/port';
import { TEST_REDIS_URL, testRedis } from '../support/redis';
import { waitUntil } from '../support/temp';

const TTL_MS = 400;
const RENEW_MS = 100;
const logger = pino({ level: 'silent' });
const position = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });

/** Records whether it runs, and with which fence. */
class Worker implements SingletonWorker {
  fence: Fence | null = null;
  starts = 0;
  async start(fence: Fence): Promise<void> {
    this.fence = fence;
    this.starts += 1;
  }
  async stop(): Promise<void> {
    this.fence = null;
  }
}

describe('a Redis lease with a fencing token', () => {
  const shared = testRedis();
  const opened: Array<RedisLease | Redis> = [];
  afterAll(async () => {
    for (const item of opened.reverse()) {
      if (item instanceof RedisLease) await item.close();
      else item.disconnect();
    }
    await shared.cleanup();
  });

  /** A lease on its own connection, as in its own process; connected, not started. */
  async function contender(prefix: string, owner: string, worker: Worker) {
    const redis = new Redis(TEST_REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const lease = new RedisLease(redis, prefix, 'job', owner, worker, logger, {
      ttlMs: TTL_MS,
      renewMs: RENEW_MS,
    });
    opened.push(redis, lease);
    await redis.connect();
    return { redis, lease };
  }

  /** `a` (started first, so holding) and `b` contending for one lease. */
  async function twoContenders() {
    const prefix = shared.prefix();
    const first = new Worker();
    const second = new Worker();
    const a = await contender(prefix, 'a', first);
    const b = await contender(prefix, 'b', second);
    await a.lease.start();
    await b.lease.start();
    return { first, second, a };
  }

  test('one holder at a time; when it dies another takes over with a higher token', async () => {
    const { first, second, a } = await twoContenders();
    expect(first.fence?.value).toMatch(/^a\/\d+$/);
    expect(second.fence).toBeNull();

    // Still one holder after several renewals.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2));
    expect(first.fence).not.toBeNull();
    expect(second.fence).toBeNull();

    // a's process dies: its connection goes, nothing is released.
    const token = Number(first.fence?.value.split('/')[1]);
    a.redis.disconnect();
    await waitUntil(() => second.fence !== null, TTL_MS * 10);
    expect(Number(second.fence?.value.split('/')[1])).toBeGreaterThan(token);
    // a stops by itself once it cannot have renewed within the TTL.
    await waitUntil(() => first.fence === null, TTL_MS * 10);
  });

  test('giving the lease up lets another take it on its next try', async () => {
    const { first, second, a } = await twoContenders();
    await a.lease.close();
    expect(first.fence).toBeNull();
    await waitUntil(() => second.fence !== null, TTL_MS * 5);
  });

  test('a paused holder cannot commit read models after another took over: nothing of it is written', async () => {
    const prefix = shared.prefix();
    const store = new RedisReadModelStore(shared.redis, prefix);
    const first = new Worker();
    const second = new Worker();
    const a = await contender(prefix, 'a', first);
    await a.lease.start();
    const oldFence = first.fence as Fence;
    await store.fenced(oldFence).commit('p', [{ op: 'set', key: 'k', value: 'a' }], position(1));

    // a pauses (no renewals) past its TTL; b takes over and commits.
    await a.lease.close();
    const b = await contender(prefix, 'b', second);
    await b.lease.start();
    await store.fenced(second.fence as Fence).commit('p', [{ op: 'set', key: 'k', value: 'b' }], position(2));

    // a wakes up and commits what it had: refused, nothing written, the checkpoint stays.
    await expect(
      store.fenced(oldFence).commit(
        'p',
        [
          { op: 'set', key: 'k', value: 'a-late' },
          { op: 'set', key: 'late', value: 1 },
        ],
        position(3),
      ),
    ).rejects.toBeInstanceOf(FencedOffError);
    expect(await store.get('k')).toBe('b');
    expect(await store.get('late')).toBeUndefined();
    expect(await store.getCheckpoint('p')).toEqual(position(2));
  });

  test('a commit whose checkpoint is not after the stored one is refused and writes nothing', async () => {
    const store = new RedisReadModelStore(shared.redis, shared.prefix());
    await store.commit('p', [{ op: 'set', key: 'k', value: 1 }], position(5));
    await expect(store.commit('p', [{ op: 'set', key: 'k', value: 2 }], position(5))).rejects.toThrow(
      /BEHIND/,
    );
    await expect(store.commit('p', [{ op: 'set', key: 'k', value: 3 }], position(4))).rejects.toThrow(
      /BEHIND/,
    );
    expect(await store.get('k')).toBe(1);
  });
});
