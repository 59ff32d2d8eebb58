import type { EventStore } from '../../src/eventstore/port';
import { WrongExpectedVersionError } from '../../src/eventstore/port';
import { newEvent, newStreamId, placement } from './contract';

/**
 * The edges of `append` that the SQL adapters share (KurrentDB has its own rules for them):
 * `openStore` opens a store on data of this suite's own, the same data every time.
 */
export function describeAppendEdgeCases(name: string, openStore: () => Promise<EventStore>): void {
  describe(`append edge cases: ${name}`, () => {
    const opened: EventStore[] = [];
    const open = async (): Promise<EventStore> => {
      const store = await openStore();
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    test('an event ID stored through a second connection surfaces as WrongExpectedVersionError', async () => {
      const store = await open();
      const other = await open();
      const taken = newEvent();
      await other.append(newStreamId(), [taken], 'no_stream');

      const streamId = newStreamId();
      // The first ID is new, so only the database's UNIQUE constraint catches the second.
      const error: unknown = await store
        .append(streamId, [newEvent(), taken], 'no_stream')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId, expected: 'no_stream', actual: null });
      // The first ID is stored in another stream.
      await expect(store.append(streamId, [taken], 'any')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await store.readStream(streamId)).toEqual([]);
    });

    test('an empty append checks the expectation and reports the current state without writing', async () => {
      const store = await open();
      const streamId = newStreamId();
      expect(await store.append(streamId, [], 'no_stream')).toEqual({
        nextExpectedRevision: -1,
        position: { commit: 0n, prepare: 0n },
      });
      await expect(store.append(streamId, [], 'stream_exists')).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );

      const written = await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
      expect(placement(await store.append(streamId, [], 1))).toEqual(placement(written));
      expect(placement(await store.append(streamId, [], 'any'))).toEqual(placement(written));
      await expect(store.append(streamId, [], 0)).rejects.toMatchObject({ expected: 0, actual: 1 });
      expect(await store.headPosition()).toEqual(written.position); // nothing else writes to this data
    });

    test('a retry of part of an earlier append returns the result for that part', async () => {
      const store = await open();
      const streamId = newStreamId();
      const [a, b, c] = [newEvent(), newEvent(), newEvent()];
      await store.append(streamId, [a, b, c], 'no_stream');
      const [storedA, , storedC] = await store.readStream(streamId);

      expect(await store.append(streamId, [a], 'no_stream')).toEqual({
        nextExpectedRevision: 0,
        position: storedA.position,
      });
      expect(await store.append(streamId, [b, c], 0)).toEqual({
        nextExpectedRevision: 2,
        position: storedC.position,
      });
      expect(await store.append(streamId, [b, c], 'stream_exists')).toEqual({
        nextExpectedRevision: 2,
        position: storedC.position,
      });
      // Stored, but not where the expectation puts it.
      await expect(store.append(streamId, [b], 'no_stream')).rejects.toMatchObject({ actual: 2 });
      await expect(store.append(streamId, [c, a], 'any')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await store.readStream(streamId)).toHaveLength(3);
    });

    test('duplicate event IDs within one append are rejected without writing', async () => {
      const store = await open();
      const streamId = newStreamId();
      const event = newEvent();
      await expect(store.append(streamId, [event, event], 'any')).rejects.toThrow('duplicate event IDs');
      expect(await store.readStream(streamId)).toEqual([]);
    });
  });
}
