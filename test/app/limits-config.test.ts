import { loadConfig } from '../../src/app/config';
import { DEFAULT_LIMITS } from '../../src/server/server-limits';

describe('limit and origin configuration', () => {
  test('unset: the documented defaults and any origin', () => {
    const config = loadConfig({});
    expect(config.limits).toEqual({
      maxCost: 20_000,
      maxSelections: 500,
      maxSubscriptionsPerConnection: 100,
      maxSubscriptionsPerUser: 500,
      connectionInitsPerMinute: 600,
    });
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.allowedOrigins).toBeNull();
  });

  test('each limit is read from its variable', () => {
    const config = loadConfig({
      MAX_QUERY_COST: '5000',
      MAX_QUERY_SELECTIONS: '300',
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '10',
      MAX_SUBSCRIPTIONS_PER_USER: '20',
      WS_CONNECTION_INITS_PER_MINUTE: '60',
    });
    expect(config.limits).toEqual({
      maxCost: 5000,
      maxSelections: 300,
      maxSubscriptionsPerConnection: 10,
      maxSubscriptionsPerUser: 20,
      connectionInitsPerMinute: 60,
    });
  });

  test.each(['0', '-1', '1.5', 'lots'])('MAX_QUERY_COST=%s is refused naming the variable', (value) => {
    expect(() => loadConfig({ MAX_QUERY_COST: value })).toThrow(/MAX_QUERY_COST must be a positive integer/);
  });

  test('origins are normalised; a path or a non-origin is refused', () => {
    expect(
      loadConfig({ ALLOWED_ORIGINS: 'https://App.Example.com/, http://localhost:3000' }).allowedOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:3000']);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://app.example.com/app' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'app.example.com' })).toThrow(/ALLOWED_ORIGINS/);
  });
});
