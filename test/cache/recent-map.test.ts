import { RecentMap } from '../../src/cache/recent-map';

describe('RecentMap', () => {
  it('holds at most its capacity, forgetting the least recently used first', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // a is now the most recently used
    map.set('c', 3); // forgets b
    expect(map.size).toBe(2);
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([1, undefined, 3]);
  });

  it('never forgets a key in use, however many others come and go', () => {
    const map = new RecentMap<string, string>(4);
    map.set('hot', 'kept');
    for (let i = 0; i < 100; i++) {
      map.set(`other-${i}`, 'passing');
      expect(map.get('hot')).toBe('kept');
    }
    expect(map.get('other-0')).toBeUndefined();
    expect(map.size).toBe(4);
  });

  it('a replaced value counts as a use and is the one read back', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 10); // a is now the most recently used
    map.set('c', 3); // forgets b
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([10, undefined, 3]);
  });

  it('forgets a deleted key', () => {
    const map = new RecentMap<string, number>(2);
    map.set('a', 1);
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(0);
  });
});
