import { directoryProjection } from '../../projections/directory';
import { profileQueries } from '../../projections/profiles';
import type { ProfileEvent } from '../../src/domain/profile/events';
import { PROJECTED_AT, givenEvents } from '../support/projection-spec';

const registered = (userId: string, email: string, name = userId): ProfileEvent => ({
  type: 'ProfileRegistered',
  data: { userId, email, name, company: null, registeredAt: PROJECTED_AT },
});

describe('profiles projection', () => {
  test('a registration gives the profile document', async () => {
    const { reads } = await givenEvents(directoryProjection, [registered('bob', 'Bob@Example.com', 'Bob')]);
    expect(await profileQueries(reads).byId('bob')).toEqual({
      userId: 'bob',
      email: 'Bob@Example.com',
      name: 'Bob',
      company: null,
      active: true,
      registeredAt: PROJECTED_AT,
    });
    expect(await profileQueries(reads).byId('nobody')).toBeUndefined();
  });

  test('updates change only what changed; deactivation hides the profile from email lookups', async () => {
    const { reads } = await givenEvents(directoryProjection, [
      registered('bob', 'bob@example.com', 'Bob'),
      {
        type: 'ProfileUpdated',
        data: { userId: 'bob', source: 'user', changes: { name: 'Bobby', company: 'Acme' } },
      },
    ]);
    expect(await profileQueries(reads).byId('bob')).toMatchObject({ name: 'Bobby', company: 'Acme' });
    expect(await profileQueries(reads).activeUserIdWithEmail('BOB@example.com')).toBe('bob');

    const deactivated = await givenEvents(directoryProjection, [
      registered('bob', 'bob@example.com'),
      { type: 'ProfileUpdated', data: { userId: 'bob', source: 'admin', changes: { active: false } } },
    ]);
    expect(await profileQueries(deactivated.reads).activeUserIdWithEmail('bob@example.com')).toBeNull();
  });

  test('an email two active profiles share names neither; a changed email moves the lookup', async () => {
    const { reads } = await givenEvents(directoryProjection, [
      registered('bob', 'shared@example.com'),
      registered('rob', 'shared@example.com'),
      {
        type: 'ProfileUpdated',
        data: { userId: 'rob', source: 'token', changes: { email: 'rob@example.com' } },
      },
    ]);
    expect(await profileQueries(reads).activeUserIdWithEmail('shared@example.com')).toBe('bob');
    expect(await profileQueries(reads).activeUserIdWithEmail('rob@example.com')).toBe('rob');

    const both = await givenEvents(directoryProjection, [
      registered('bob', 'shared@example.com'),
      registered('rob', 'shared@example.com'),
    ]);
    expect(await profileQueries(both.reads).activeUserIdWithEmail('shared@example.com')).toBeNull();
  });
});
