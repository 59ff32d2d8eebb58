import { loadConfig } from '../../src/app/config';

describe('configuration of several processes', () => {
  test('without REDIS_URL one process does everything (ROLE all)', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: null, role: 'all', redisKeyPrefix: 'saa:' });
  });

  test('ROLE and REDIS_KEY_PREFIX are read with REDIS_URL', () => {
    expect(
      loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', ROLE: 'api', REDIS_KEY_PREFIX: 'acme:' }),
    ).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', role: 'api', redisKeyPrefix: 'acme:' });
  });

  test('a ROLE other than all needs REDIS_URL, and an unknown ROLE is refused', () => {
    expect(() => loadConfig({ ROLE: 'api' })).toThrow('ROLE=api needs REDIS_URL');
    expect(() => loadConfig({ ROLE: 'projector' })).toThrow('ROLE=projector needs REDIS_URL');
    expect(() => loadConfig({ REDIS_URL: 'redis://x', ROLE: 'worker' })).toThrow(
      'ROLE must be "api", "projector" or "all", got "worker"',
    );
  });
});
