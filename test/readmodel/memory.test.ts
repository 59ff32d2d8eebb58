import type { JsonValue, Position } from '../../src/eventstore/port';
import { MemoryReadModelStore } from '../../src/readmodel/memory';
import { describeReadModelStore } from './store-contract';

describeReadModelStore('in-process', { open: async () => new MemoryReadModelStore() });

const position = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });

describe('in-process read-model store reads', () => {
  it('hands out frozen entries and documents, without a copy per read', async () => {
    const store = new MemoryReadModelStore();
    const value: JsonValue = { list: [1, 2] };
    await store.commit(
      'p',
      [
        { op: 'sortedAdd', key: 'k', member: 'a', score: 1 },
        { op: 'set', key: 'a', value },
      ],
      position(1),
    );
    const [entry] = await store.sortedRange('k', { limit: 10 });
    expect(() => {
      entry.score = 99;
    }).toThrow(TypeError);
    const read = await store.get<{ list: number[] }>('a');
    expect(() => read?.list.push(4)).toThrow(TypeError);
    expect(await store.get('a')).toEqual({ list: [1, 2] });
  });
});
