import { loadConfig } from '../../src/app/config';

describe('event store configuration', () => {
  test('EVENT_STORE=postgres takes POSTGRES_URL', () => {
    const config = loadConfig({
      EVENT_STORE: 'postgres',
      POSTGRES_URL: 'postgres://app@db.internal:5432/access',
    });
    expect(config).toMatchObject({
      eventStore: 'postgres',
      postgresUrl: 'postgres://app@db.internal:5432/access',
    });
  });

  test('EVENT_STORE=postgres without POSTGRES_URL, or with something else, is refused at start-up', () => {
    expect(() => loadConfig({ EVENT_STORE: 'postgres' })).toThrow('EVENT_STORE=postgres needs POSTGRES_URL');
    expect(() => loadConfig({ EVENT_STORE: 'postgres', POSTGRES_URL: 'db.internal:5432' })).toThrow(
      'POSTGRES_URL must look like postgres://user@host:5432/database',
    );
  });

  test('an unknown EVENT_STORE names the choices', () => {
    expect(() => loadConfig({ EVENT_STORE: 'mysql' })).toThrow(
      'EVENT_STORE must be "sqlite", "postgres" or "kurrentdb", got "mysql"',
    );
  });
});
