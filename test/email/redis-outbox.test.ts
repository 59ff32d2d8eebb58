import pino from 'pino';
import { Redis } from 'ioredis';
import { RedisLease, type Fence, type SingletonWorker } from '../../src/cluster/lease';
import { sqlitePosition } from '../../src/eventstore/position';
import { RedisEmailOutbox, SENDER_LEASE_NAME } from '../../src/email/redis-outbox';
import { RedisSenderRole } from '../../src/email/redis-sender-role';
import { FencedOffError } from '../../src/readmodel/redis';
import { TEST_REDIS_URL, testRedis } from '../support/redis';
import { waitUntil } from '../support/temp';
import { describeOutboxBehaviour, outboxMessage } from './outbox-behaviour';

const shared = testRedis();
afterAll(() => shared.cleanup());

/** A fence held for good under `prefix`: the sender lease's key holds its value. */
async function holdLease(prefix: string, value = 'holder/1'): Promise<Fence> {
  await shared.redis.set(`${prefix}lease:${SENDER_LEASE_NAME}`, value);
  return { name: SENDER_LEASE_NAME, value };
}

describeOutboxBehaviour('Redis (REDIS_URL)', async () => {
  const prefix = shared.prefix();
  const outbox = new RedisEmailOutbox(shared.redis, prefix, await holdLease(prefix));
  return { outbox, cleanup: () => outbox.close() };
});

/** Records the fence it was started with. */
class Worker implements SingletonWorker {
  fence: Fence | null = null;
  async start(fence: Fence): Promise<void> {
    this.fence = fence;
  }
  async stop(): Promise<void> {
    this.fence = null;
  }
}

describe('the Redis outbox fenced by the sender lease', () => {
  const opened: Array<RedisLease | Redis> = [];
  afterAll(async () => {
    for (const item of opened.reverse()) {
      if (item instanceof RedisLease) await item.close();
      else item.disconnect();
    }
  });

  /** The sender lease contended for on a connection of its own, as from its own process. */
  async function contender(prefix: string, owner: string) {
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    const worker = new Worker();
    const lease = new RedisLease(redis, prefix, SENDER_LEASE_NAME, owner, worker, pino({ level: 'silent' }), {
      ttlMs: 400,
      renewMs: 100,
    });
    opened.push(redis, lease);
    await redis.connect();
    await lease.start();
    return { lease, worker };
  }

  test('an old holder whose lease was taken over can neither enqueue nor mark: nothing of it is written', async () => {
    const prefix = shared.prefix();
    const a = await contender(prefix, 'a');
    const oldFence = a.worker.fence as Fence;
    const old = new RedisEmailOutbox(shared.redis, prefix, oldFence);
    await old.enqueue(
      [outboxMessage('x', 1), outboxMessage('y', 1), outboxMessage('z', 1)],
      sqlitePosition(1),
    );
    const [x, y, z] = await old.due(Date.now(), 10);
    expect(await new RedisSenderRole(shared.redis, prefix, oldFence).held()).toBe(true);

    // a pauses past its lease (no renewals); b takes over, with a higher fencing token.
    await a.lease.close();
    const b = await contender(prefix, 'b');
    await waitUntil(() => b.worker.fence !== null, 5000);
    const newFence = b.worker.fence as Fence;
    expect(Number(newFence.value.split('/')[1])).toBeGreaterThan(Number(oldFence.value.split('/')[1]));
    const current = new RedisEmailOutbox(shared.redis, prefix, newFence);
    await current.markSent(x.seq);

    // a wakes up and carries on with what it had: every write refused, nothing changed.
    expect(await new RedisSenderRole(shared.redis, prefix, oldFence).held()).toBe(false);
    await expect(old.enqueue([outboxMessage('late', 2)], sqlitePosition(2))).rejects.toBeInstanceOf(
      FencedOffError,
    );
    await expect(old.markSent(y.seq)).rejects.toBeInstanceOf(FencedOffError);
    await expect(
      old.markFailed(z.seq, { error: '550', permanent: true, retryAt: 0, dead: true }),
    ).rejects.toBeInstanceOf(FencedOffError);
    expect(await current.checkpoint()).toEqual(sqlitePosition(1));
    expect(await current.due(Date.now(), 10)).toEqual([
      { seq: y.seq, message: outboxMessage('y', 1), attempts: 0, permanentFailures: 0 },
      { seq: z.seq, message: outboxMessage('z', 1), attempts: 0, permanentFailures: 0 },
    ]);
    expect(await current.counts()).toEqual({ pending: 2, dead: 0 });

    // The holder's writes go on.
    await current.enqueue([outboxMessage('w', 2)], sqlitePosition(2));
    expect(await current.checkpoint()).toEqual(sqlitePosition(2));
    expect(await current.counts()).toEqual({ pending: 3, dead: 0 });
  });

  test('without the lease at all (expired, nobody holds it) nothing is written either', async () => {
    const prefix = shared.prefix();
    const fence = await holdLease(prefix, 'gone/7');
    const outbox = new RedisEmailOutbox(shared.redis, prefix, fence);
    await outbox.enqueue([outboxMessage('a', 1)], sqlitePosition(1));
    await shared.redis.del(`${prefix}lease:${SENDER_LEASE_NAME}`);
    await expect(outbox.enqueue([outboxMessage('b', 1)], sqlitePosition(2))).rejects.toBeInstanceOf(
      FencedOffError,
    );
    expect(await outbox.checkpoint()).toEqual(sqlitePosition(1));
    expect(await outbox.counts()).toEqual({ pending: 1, dead: 0 });
  });
});
