import path from 'node:path';
import { MemoryReadModelStore } from '../../src/readmodel/memory';
import { readSnapshot, writeSnapshot } from '../../src/readmodel/snapshot-file';
import { tempDir } from '../support/temp';

const position = (commit: number) => ({ commit: BigInt(commit), prepare: BigInt(commit) });

describe('the read-model snapshot file', () => {
  const temp = tempDir('snapshot-file-');
  afterAll(() => temp.remove());

  test('keys that need escaping in JSON, documents and sorted sets come back as they were', async () => {
    const original = new MemoryReadModelStore();
    const keys = ['plain:1', 'quote:"x"', 'backslash:a\\b', 'unicode:Zoë 東京', 'newline:a\nb'];
    await original.commit(
      'p',
      keys.flatMap((key, i) => [
        { op: 'set' as const, key, value: { n: i, text: `line\nbreak ${key}` } },
        { op: 'sortedAdd' as const, key: `set:${key}`, member: key, score: i },
        { op: 'sortedAdd' as const, key: `set:${key}`, member: 'other', score: 0 },
      ]),
      position(7),
    );
    const file = path.join(temp.dir, 'escapes.snapshot');
    writeSnapshot(file, 'log-1', original.exportState());

    const snapshot = readSnapshot(file);
    expect(snapshot?.logId).toBe('log-1');
    const restored = new MemoryReadModelStore();
    if (snapshot) restored.importState(snapshot.state);
    expect(restored.dump()).toEqual(original.dump());
    expect(await restored.getCheckpoint('p')).toEqual(position(7));
  });
});
