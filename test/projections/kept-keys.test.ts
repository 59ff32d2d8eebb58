import { MAX_KEPT_KEYS, keptKeys, keptPairKeys } from '../../projections/kept-keys';

describe('kept read-model keys', () => {
  it('build the same key as the key function, once per pair of parts', () => {
    let built = 0;
    const key = keptPairKeys((account, user) => {
      built += 1;
      return `account-user:${account}:${user}`;
    });
    expect(key('a1', 'u1')).toBe('account-user:a1:u1');
    expect(key('a1', 'u1')).toBe('account-user:a1:u1');
    expect(key('a1', 'u2')).toBe('account-user:a1:u2');
    expect(key('a2', 'u1')).toBe('account-user:a2:u1');
    expect(built).toBe(3);
  });

  it('of one part too', () => {
    const key = keptKeys((user) => `profile:${user}`);
    expect([key('u1'), key('u2'), key('u1')]).toEqual(['profile:u1', 'profile:u2', 'profile:u1']);
  });

  it('keep at most MAX_KEPT_KEYS, then start over (and still answer right)', () => {
    let built = 0;
    const key = keptPairKeys((a, b) => {
      built += 1;
      return `${a}:${b}`;
    });
    for (let i = 0; i < MAX_KEPT_KEYS; i++) key('a', String(i));
    expect(built).toBe(MAX_KEPT_KEYS);
    key('a', '0');
    expect(built).toBe(MAX_KEPT_KEYS);
    expect(key('b', 'new')).toBe('b:new');
    expect(built).toBe(MAX_KEPT_KEYS + 1);
    // The overflow started the cache over: the first key is built again.
    expect(key('a', '0')).toBe('a:0');
    expect(built).toBe(MAX_KEPT_KEYS + 2);
  });
});
