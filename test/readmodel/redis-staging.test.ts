import type { Position } from '../../src/eventstore/port';
import type { Projection } from '../../src/readmodel/projection';
import { RedisReadModelStore } from '../../src/readmodel/redis';
import { RedisStagingArea } from '../../src/readmodel/redis-staging';
import { testRedis } from '../support/redis';

const position = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });
/** Owns the keys starting with `a:`; nothing is projected here, the test writes directly. */
const projection: Projection = { name: 'p.v1', keyPrefixes: ['a:'], apply: async () => undefined };
const fence = { name: 'projection:p.v1', value: 'holder/7' };

async function* entries() {
  yield { key: 'a:kept', kind: 'value' as const, value: { version: 'rebuilt' } };
  yield { key: 'a:new', kind: 'value' as const, value: 1 };
  yield { key: 'a:set', kind: 'sortedSet' as const, members: [{ member: 'x', score: 1 }] };
}

describe('a rebuilt projection taking the live one’s place in Redis', () => {
  const redis = testRedis();
  afterAll(() => redis.cleanup());

  /** Live keys of `projection` and of another one at checkpoint 5, the lease held by `fence`. */
  async function live(prefix: string) {
    const store = new RedisReadModelStore(redis.redis, prefix);
    await store.commit(
      projection.name,
      [
        { op: 'set', key: 'a:kept', value: { version: 'live' } },
        { op: 'set', key: 'a:gone', value: true },
        { op: 'sortedAdd', key: 'a:set', member: 'y', score: 2 },
      ],
      position(5),
    );
    await store.commit('other.v1', [{ op: 'set', key: 'b:other', value: 'untouched' }], position(5));
    await redis.redis.set(`${prefix}lease:${fence.name}`, fence.value);
    return store;
  }

  test('the projection’s keys are replaced in one step; other keys and the checkpoint stay', async () => {
    const prefix = redis.prefix();
    const store = await live(prefix);
    const staging = new RedisStagingArea(redis.redis, prefix, 'one');
    await staging.load(projection.name, entries(), position(5));
    expect(await staging.takeOver(projection, fence)).toBe(3);
    await staging.drop();
    expect(await store.dump()).toEqual([
      ['a:kept', { version: 'rebuilt' }],
      ['a:new', 1],
      ['a:set', [{ member: 'x', score: 1 }]],
      ['b:other', 'untouched'],
    ]);
    expect(await store.getCheckpoint(projection.name)).toEqual(position(5));
    expect(await redis.redis.keys(`${prefix}rebuild:*`)).toEqual([]);
  });

  test.each([
    ['another process holds the lease', { ...fence, value: 'holder/6' }, 5, /^FENCED/],
    ['the staged checkpoint is not the live one', fence, 4, /^MOVED/],
  ])('refused, nothing written, when %s', async (_case, using, stagedAt, error) => {
    const prefix = redis.prefix();
    const store = await live(prefix);
    const before = await store.dump();
    const staging = new RedisStagingArea(redis.redis, prefix, 'two');
    await staging.load(projection.name, entries(), position(stagedAt));
    await expect(staging.takeOver(projection, using)).rejects.toThrow(error);
    expect(await store.dump()).toEqual(before);
  });

  test('a staging area left by a crashed rebuild is cleared', async () => {
    const prefix = redis.prefix();
    await new RedisStagingArea(redis.redis, prefix, 'abandoned').load(
      projection.name,
      entries(),
      position(1),
    );
    expect(await redis.redis.keys(`${prefix}rebuild:*`)).not.toEqual([]);
    await RedisStagingArea.clearAbandoned(redis.redis, prefix);
    expect(await redis.redis.keys(`${prefix}rebuild:*`)).toEqual([]);
  });
});
