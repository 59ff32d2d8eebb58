import type { JsonValue, Position } from '../../src/eventstore/port';
import type { ReadModelStore, ScoredMember, WriteOp } from '../../src/readmodel/port';
import { seededRandom } from '../support/random';

type Dump = Array<[string, JsonValue | ScoredMember[]]>;

/** A store under test, with everything it holds in key order (`dump`), to compare stores. */
export type StoreUnderTest = ReadModelStore & { dump(): Dump | Promise<Dump> };

export interface ReadModelStoreHarness {
  /** A new, empty store (its own namespace). */
  open(): Promise<StoreUnderTest>;
  /** Called once after all tests. */
  cleanup?(): Promise<void>;
}

const position = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });
let commits = 0;
const commit = (store: StoreUnderTest, ops: readonly WriteOp[]) =>
  store.commit('test', ops, position(++commits));

/**
 * One commit per op, in order. Sent without waiting for each answer: a store applies its
 * commits in the order they are made (Redis: one connection, pipelined), and it is much faster.
 */
const commitOneByOne = (store: StoreUnderTest, ops: readonly WriteOp[]) =>
  Promise.all(ops.map((op) => commit(store, [op])));

const add = (key: string, member: string, score: number): WriteOp => ({
  op: 'sortedAdd',
  key,
  member,
  score,
});
const remove = (key: string, member: string): WriteOp => ({ op: 'sortedRemove', key, member });
const set = (key: string, value: JsonValue): WriteOp => ({ op: 'set', key, value });
const del = (key: string): WriteOp => ({ op: 'del', key });

const all = (store: StoreUnderTest, key: string) =>
  store.sortedRange(key, { limit: Number.MAX_SAFE_INTEGER });
const members = async (store: StoreUnderTest, key: string) =>
  (await all(store, key)).map((entry) => entry.member);

/** The port's semantics, as plainly as possible: each op applied on its own, sorted on read. */
class ReferenceStore {
  private readonly values = new Map<string, JsonValue>();
  private readonly sets = new Map<string, Map<string, number>>();

  apply(op: WriteOp): void {
    switch (op.op) {
      case 'set':
        this.values.set(op.key, JSON.parse(JSON.stringify(op.value)) as JsonValue);
        this.sets.delete(op.key);
        return;
      case 'del':
        this.values.delete(op.key);
        this.sets.delete(op.key);
        return;
      case 'sortedAdd': {
        const scores = this.sets.get(op.key) ?? new Map<string, number>();
        scores.set(op.member, op.score);
        this.sets.set(op.key, scores);
        return;
      }
      case 'sortedRemove': {
        const scores = this.sets.get(op.key);
        scores?.delete(op.member);
        if (scores?.size === 0) this.sets.delete(op.key);
        return;
      }
    }
  }

  range(key: string): ScoredMember[] {
    return [...(this.sets.get(key) ?? [])]
      .map(([member, score]) => ({ member, score }))
      .sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  }

  dump(): Array<[string, JsonValue | ScoredMember[]]> {
    const entries: Array<[string, JsonValue | ScoredMember[]]> = [
      ...this.values,
      ...[...this.sets.keys()].map((key): [string, ScoredMember[]] => [key, this.range(key)]),
    ];
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** Tens of thousands of commits: time enough on a busy machine (nothing here is timed). */
const HEAVY_TEST_MS = 180_000;

/** `n` members of one set: few enough to insert one by one, or enough for the merge path. */
const SIZES = [4, 200];

/** The one suite every read-model store adapter passes (in-process and Redis). */
export function describeReadModelStore(name: string, harness: ReadModelStoreHarness): void {
  describe(`${name} read-model store`, () => {
    const open = () => harness.open();
    afterAll(async () => {
      await harness.cleanup?.();
    });

    it('orders by score, ties by member, and pages strictly after a score', async () => {
      const store = await open();
      await commit(store, [add('k', 'c', 2), add('k', 'b', 1), add('k', 'a', 2), add('k', 'd', -1.5)]);
      expect(await all(store, 'k')).toEqual([
        { member: 'd', score: -1.5 },
        { member: 'b', score: 1 },
        { member: 'a', score: 2 },
        { member: 'c', score: 2 },
      ]);
      expect(await store.sortedRange('k', { afterScore: 1, limit: 10 })).toEqual([
        { member: 'a', score: 2 },
        { member: 'c', score: 2 },
      ]);
      expect(await store.sortedRange('k', { afterScore: -2, limit: 2 })).toEqual([
        { member: 'd', score: -1.5 },
        { member: 'b', score: 1 },
      ]);
      expect(await store.sortedRange('k', { afterScore: 2, limit: 10 })).toEqual([]);
      expect(await store.sortedCount('k')).toBe(4);
      expect(await store.sortedScore('k', 'a')).toBe(2);
      expect(await store.sortedScore('k', 'x')).toBeUndefined();
      expect(await all(store, 'missing')).toEqual([]);
      expect(await store.sortedCount('missing')).toBe(0);
    });

    it('nothing stored can be changed through a returned entry (a copy, or frozen)', async () => {
      const store = await open();
      await commit(store, [add('k', 'a', 1)]);
      const [entry] = await all(store, 'k');
      try {
        entry.score = 99;
      } catch {
        // Frozen (in-process): refused outright.
      }
      expect(await all(store, 'k')).toEqual([{ member: 'a', score: 1 }]);
    });

    it.each(SIZES)('finds members by lexical prefix (%i words)', async (n) => {
      const store = await open();
      const words = ['maria', 'mark', 'martin', 'ma', 'linda', 'm', 'mb', ...filler(n)];
      await commit(
        store,
        words.map((word) => add('words', word, 0)),
      );
      expect(await store.lexRangeByPrefix('words', 'ma')).toEqual(['ma', 'maria', 'mark', 'martin']);
      expect(await store.lexRangeByPrefix('words', 'mar', 2)).toEqual(['maria', 'mark']);
      expect(await store.lexRangeByPrefix('words', 'zz')).toEqual([]);
      expect(await store.lexRangeByPrefix('missing', 'ma')).toEqual([]);
      expect((await store.lexRangeByPrefix('words', '')).length).toBe(words.length);
    });

    it.each(SIZES)('re-adding a member moves it to its new score (%i members)', async (n) => {
      const store = await open();
      const names = filler(n);
      await commit(
        store,
        names.map((name, i) => add('k', name, i)),
      );
      // In one commit: a member moved to the front, one to the end, one twice, one to the same score.
      await commit(store, [
        add('k', names[1], -1),
        add('k', names[0], n + 5),
        add('k', names[2], 100),
        add('k', names[2], 0.5),
        add('k', names[n - 1], n - 1),
        ...names.slice(3, n - 1).map((name, i) => add('k', name, i + 3)),
      ]);
      const range = await all(store, 'k');
      expect(range).toHaveLength(n);
      expect(range[0]).toEqual({ member: names[1], score: -1 });
      expect(range[1]).toEqual({ member: names[2], score: 0.5 });
      expect(range[n - 1]).toEqual({ member: names[0], score: n + 5 });
      expect(await store.sortedScore('k', names[2])).toBe(0.5);
    });

    it.each(SIZES)('removes members, and the set with its last one (%i members)', async (n) => {
      const store = await open();
      const names = filler(n);
      await commit(
        store,
        names.map((name) => add('k', name, 1)),
      );
      await commit(store, [remove('k', names[0]), remove('k', 'never-added'), remove('missing', 'x')]);
      expect(await members(store, 'k')).toEqual(names.slice(1));
      expect(await store.sortedScore('k', names[0])).toBeUndefined();
      expect((await store.dump()).map(([key]) => key)).toEqual(['k']);
      await commit(
        store,
        names.slice(1).map((name) => remove('k', name)),
      );
      expect(await store.sortedCount('k')).toBe(0);
      expect(await store.dump()).toEqual([]);
      // Added and removed in one commit: no set at all.
      await commit(store, [
        ...names.map((name) => add('k', name, 1)),
        ...names.map((name) => remove('k', name)),
      ]);
      expect(await store.dump()).toEqual([]);
      // Removed and added back in one commit: there.
      await commit(
        store,
        names.map((name) => add('k', name, 1)),
      );
      await commit(store, [
        ...names.map((name) => remove('k', name)),
        ...names.map((name) => add('k', name, 2)),
      ]);
      expect(await all(store, 'k')).toEqual(names.map((member) => ({ member, score: 2 })));
    });

    it.each(SIZES)(
      'applies del and set of a key in order with the sorted ops of one commit (%i)',
      async (n) => {
        const store = await open();
        const names = filler(n);
        const adds = (key: string, score: number) => names.map((name) => add(key, name, score));
        await commit(store, [...adds('existing', 1), ...adds('replaced', 1)]);

        await commit(store, [
          // del drops the set as it was and what was added before it; later adds make a new one.
          ...adds('existing', 2),
          del('existing'),
          add('existing', 'after-del', 3),
          // set replaces the set by a value ...
          ...adds('replaced', 5),
          set('replaced', { v: 1 }),
          // ... and a value may be followed by a set of the same key, which leaves the value.
          set('both', 'value'),
          ...adds('both', 7),
          // del of a key that has only a value leaves the sets of other keys alone.
          ...adds('fresh', 4),
          del('unrelated'),
        ]);
        expect(await all(store, 'existing')).toEqual([{ member: 'after-del', score: 3 }]);
        expect(await store.sortedCount('replaced')).toBe(0);
        expect(await store.get('replaced')).toEqual({ v: 1 });
        expect(await store.get('both')).toBe('value');
        expect(await members(store, 'both')).toEqual(names);
        expect(await members(store, 'fresh')).toEqual(names);

        // A set replaces a sorted set committed earlier; del after adds leaves nothing.
        await commit(store, [set('fresh', 1), ...adds('gone', 1), del('gone')]);
        expect(await store.sortedCount('fresh')).toBe(0);
        expect(await store.get('fresh')).toBe(1);
        expect((await store.dump()).map(([key]) => key)).toEqual([
          'both',
          'both',
          'existing',
          'fresh',
          'replaced',
        ]);
      },
    );

    it('keeps values as copies and applies the last write of a key', async () => {
      const store = await open();
      const value = { list: [1, 2] };
      await commit(store, [
        set('a', value),
        set('b', 1),
        del('b'),
        del('c'),
        set('c', 'x'),
        set('d', 1),
        set('d', 2),
      ]);
      value.list.push(3);
      expect(await store.get('a')).toEqual({ list: [1, 2] });
      const read = await store.get<{ list: number[] }>('a');
      try {
        read?.list.push(4);
      } catch {
        // Frozen (in-process): refused outright.
      }
      expect(await store.get('a')).toEqual({ list: [1, 2] });
      expect(await store.getMany(['b', 'c', 'd'])).toEqual([undefined, 'x', 2]);
    });

    it('commits all or nothing, and moves the checkpoint', async () => {
      const store = await open();
      await store.commit('p', [add('k', 'a', 1), set('v', 1)], position(1));
      const unserializable = { n: BigInt(1) } as unknown as JsonValue;
      await expect(
        store.commit('p', [add('k', 'b', 2), set('v', 2), set('w', unserializable), del('k')], position(2)),
      ).rejects.toThrow();
      expect(await all(store, 'k')).toEqual([{ member: 'a', score: 1 }]);
      expect(await store.get('v')).toBe(1);
      expect(await store.getCheckpoint('p')).toEqual(position(1));
      expect(await store.getCheckpoint('other')).toBeNull();
    });

    it('reset deletes the prefixes’ values and sets and the checkpoint', async () => {
      const store = await open();
      await store.commit('p', [add('a:1', 'x', 1), set('a:2', 1), add('b:1', 'y', 1)], position(1));
      await store.reset('p', ['a:']);
      expect((await store.dump()).map(([key]) => key)).toEqual(['b:1']);
      expect(await store.getCheckpoint('p')).toBeNull();
    });

    it(
      'a large bulk commit equals the same ops applied one by one, and the reference model',
      async () => {
        // Like importing 10,000 users: word-index entries at score 0, a users set by seq.
        const next = seededRandom(7);
        const ops: WriteOp[] = [];
        const words: string[] = [];
        for (let i = 0; i < 10_000; i++) {
          const id = `u${String(Math.floor(next() * 1_000_000)).padStart(6, '0')}`;
          for (const word of ['maria', 'garcia', `corp${i % 10}`, id]) {
            words.push(`${word}\t${id}`);
            ops.push(add('words', `${word}\t${id}`, 0));
          }
          ops.push(add('users', id, i));
          // Now and then a user leaves again, or comes back with a later seq.
          if (i % 97 === 0) ops.push(remove('words', words[Math.floor(next() * words.length)]));
          if (i % 89 === 0)
            ops.push(add('users', `u${String(Math.floor(next() * 1_000_000)).padStart(6, '0')}`, i));
        }
        const bulk = await open();
        const oneByOne = await open();
        const reference = new ReferenceStore();
        await commit(bulk, ops.slice(0, 100));
        await commit(bulk, ops.slice(100));
        await commitOneByOne(oneByOne, ops);
        for (const op of ops) reference.apply(op);
        expect(await bulk.dump()).toEqual(reference.dump());
        expect(await oneByOne.dump()).toEqual(reference.dump());
        expect(await bulk.lexRangeByPrefix('words', 'corp3', 5)).toEqual(
          await oneByOne.lexRangeByPrefix('words', 'corp3', 5),
        );
      },
      HEAVY_TEST_MS,
    );

    it(
      'random commits of mixed ops equal the reference model, bulk and one by one',
      async () => {
        const next = seededRandom(42);
        const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
        const keys = ['a', 'b', 'c', 'd'];
        const pool = filler(120);
        const scores = [0, 0, 1, 2, 2.5, -3, 10];
        const bulk = await open();
        const oneByOne = await open();
        const reference = new ReferenceStore();
        for (let round = 0; round < 60; round++) {
          // Sizes from a handful (one by one inside the store) to hundreds (merged).
          const size = pick([1, 5, 15, 16, 40, 300, 1200]);
          const ops: WriteOp[] = [];
          for (let i = 0; i < size; i++) {
            const key = pick(keys);
            const roll = next();
            if (roll < 0.6) ops.push(add(key, pick(pool), pick(scores)));
            else if (roll < 0.9) ops.push(remove(key, pick(pool)));
            else if (roll < 0.95) ops.push(del(key));
            else ops.push(set(key, { round, i }));
          }
          await commit(bulk, ops);
          await commitOneByOne(oneByOne, ops);
          for (const op of ops) reference.apply(op);
          expect(await bulk.dump()).toEqual(reference.dump());
          for (const key of keys) {
            const expected = reference.range(key);
            expect(await bulk.sortedCount(key)).toBe(expected.length);
            const after = pick(scores);
            expect(await bulk.sortedRange(key, { afterScore: after, limit: 7 })).toEqual(
              expected.filter((entry) => entry.score > after).slice(0, 7),
            );
            const member = pick(pool);
            expect(await bulk.sortedScore(key, member)).toBe(
              expected.find((e) => e.member === member)?.score,
            );
          }
        }
        expect(await oneByOne.dump()).toEqual(await bulk.dump());
      },
      HEAVY_TEST_MS,
    );
  });
}

/** `n` distinct members, in lexical order. */
function filler(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `member-${String(i).padStart(4, '0')}`);
}
