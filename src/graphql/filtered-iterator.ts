/**
 * Passes on the items of `source` that `keep` accepts. Ending it (a client unsubscribing)
 * ends the source at once, even while it waits for the next item.
 */
export function filterAsync<T>(
  source: AsyncIterable<unknown>,
  keep: (item: unknown) => Promise<boolean>,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const end = async (): Promise<IteratorResult<T>> => {
    await iterator.return?.();
    return { done: true, value: undefined };
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        const item = await iterator.next();
        if (item.done) return { done: true, value: undefined };
        if (await keep(item.value)) return { done: false, value: item.value as T };
      }
    },
    return: end,
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
