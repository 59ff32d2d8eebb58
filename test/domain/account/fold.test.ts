import { accountDecider, type AccountCommand } from '../../../src/domain/account';
import {
  DEFAULT_VA,
  OPS_VA,
  actor,
  alice,
  at,
  created,
  deepFreeze,
  given,
  groupCreated,
  on,
  userAdded,
  whole,
} from './fixtures';

describe('folding the account stream', () => {
  test('10,000 UserAdded events update one state in place (O(n), no copy per event)', () => {
    let state = given(...created).state();
    const users = state.users;
    for (let i = 0; i < 10_000; i++) {
      const next = accountDecider.evolve(state, userAdded(`user-${i}`, [whole('SMART_ACCOUNT_VIEWER')]));
      expect(next).toBe(state);
      state = next;
    }
    expect(state.users).toBe(users);
    expect(Object.keys(state.users)).toHaveLength(10_001);
    expect(state.adminCount).toBe(1);
  });

  test('decide never changes the state it is given', () => {
    const state = deepFreeze(
      given(
        ...created,
        userAdded('bob', [on('VIRTUAL_ACCOUNT_USER', DEFAULT_VA)]),
        userAdded('ann', [whole('SMART_ACCOUNT_ADMIN')]),
        groupCreated(
          'g-1',
          'Team',
          ['bob'],
          [{ virtualAccountId: DEFAULT_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' }],
        ),
      ).state(),
    );
    const commands: AccountCommand[] = [
      {
        type: 'CreateVirtualAccount',
        data: { virtualAccountId: OPS_VA, name: 'Ops' },
        metadata: { actor: alice, at },
      },
      {
        type: 'AddUsers',
        data: {
          entries: [{ input: 'carol', line: null, userId: 'carol', problem: null }],
          roles: [{ role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: DEFAULT_VA }],
          notify: false,
          dryRun: false,
          idempotencyKey: 'k',
        },
        metadata: { actor: actor('bob'), at },
      },
      {
        type: 'SetUserRoles',
        data: { userId: 'bob', roles: [{ role: 'SMART_ACCOUNT_USER' }] },
        metadata: { actor: alice, at },
      },
      { type: 'RemoveUser', data: { userId: 'bob', notify: false }, metadata: { actor: alice, at } },
      { type: 'RemoveUser', data: { userId: 'ann', notify: false }, metadata: { actor: alice, at } },
    ];
    for (const command of commands) expect(accountDecider.decide(command, state).length).toBeGreaterThan(0);
  });
});
