import { profileDecider } from '../../src/domain/profile/decider';
import type { ProfileEvent } from '../../src/domain/profile/events';
import { specFor } from '../support/decider-spec';

const given = specFor(profileDecider);
const at = '2026-01-01T00:00:00.000Z';
const metadata = { actor: { userId: 'bob', platformRoles: [], supportCaseId: null }, at };
const claims = { email: 'bob@example.com', name: 'Bob', company: null };
const registered: ProfileEvent = {
  type: 'ProfileRegistered',
  data: { userId: 'bob', ...claims, registeredAt: at },
};

describe('profile', () => {
  test('the first token registers the profile', () => {
    given()
      .when({ type: 'SyncProfileFromToken', data: { userId: 'bob', claims }, metadata })
      .then([registered]);
  });

  test('the same claims again change nothing', () => {
    given(registered)
      .when({ type: 'SyncProfileFromToken', data: { userId: 'bob', claims }, metadata })
      .thenNothing();
  });

  test('changed claims update only what changed', () => {
    given(registered)
      .when({
        type: 'SyncProfileFromToken',
        data: { userId: 'bob', claims: { ...claims, name: 'Robert' } },
        metadata,
      })
      .then([
        {
          type: 'ProfileUpdated',
          data: {
            userId: 'bob',
            source: 'token',
            changes: { name: 'Robert' },
            claims: { ...claims, name: 'Robert' },
          },
        },
      ]);
  });

  test('a name the person chose survives tokens whose claims did not change', () => {
    const edited: ProfileEvent = {
      type: 'ProfileUpdated',
      data: { userId: 'bob', source: 'user', changes: { name: 'Bobby' } },
    };
    given(registered, edited)
      .when({ type: 'SyncProfileFromToken', data: { userId: 'bob', claims }, metadata })
      .thenNothing();
    expect(given(registered, edited).state().name).toBe('Bobby');
  });

  test('updateMyProfile trims and records the change', () => {
    given(registered)
      .when({
        type: 'UpdateProfile',
        data: { userId: 'bob', name: '  Bobby  ', company: ' Acme ' },
        metadata,
      })
      .then([
        {
          type: 'ProfileUpdated',
          data: { userId: 'bob', source: 'user', changes: { name: 'Bobby', company: 'Acme' } },
        },
      ]);
  });

  test('updateMyProfile with nothing new appends nothing', () => {
    given(registered)
      .when({ type: 'UpdateProfile', data: { userId: 'bob', name: 'Bob', company: '' }, metadata })
      .thenNothing();
  });

  test.each([
    ['an empty name', '   '],
    ['a name over 100 characters', 'x'.repeat(101)],
  ])('updateMyProfile refuses %s', (_label, name) => {
    given(registered)
      .when({ type: 'UpdateProfile', data: { userId: 'bob', name }, metadata })
      .thenError('BAD_USER_INPUT', { field: 'name' });
  });

  test('deactivation is recorded once', () => {
    given(registered)
      .when({ type: 'SetProfileActive', data: { userId: 'bob', active: false }, metadata })
      .then([
        { type: 'ProfileUpdated', data: { userId: 'bob', source: 'admin', changes: { active: false } } },
      ]);
    expect(
      given(registered, {
        type: 'ProfileUpdated',
        data: { userId: 'bob', source: 'admin', changes: { active: false } },
      })
        .when({ type: 'SetProfileActive', data: { userId: 'bob', active: false }, metadata })
        .events(),
    ).toEqual([]);
  });
});
