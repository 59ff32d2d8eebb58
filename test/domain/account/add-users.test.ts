import type { Actor } from '../../../src/domain/decider';
import {
  accountDecider,
  addUsersResults,
  planAddUsers,
  type AddUsersCommand,
  type AddUsersEntry,
  type RoleAssignmentInput,
} from '../../../src/domain/account';
import {
  ACCOUNT,
  DEFAULT_VA,
  SALES_VA,
  alice,
  at,
  given,
  userAdded,
  whole,
  withVirtualAccounts,
} from './fixtures';

const entry = (userId: string, line: number | null = null, input = userId): AddUsersEntry => ({
  input,
  line,
  userId,
  problem: null,
});

const addUsers = (
  entries: AddUsersEntry[],
  { actor = alice, ...more }: Partial<AddUsersCommand['data']> & { actor?: Actor } = {},
): AddUsersCommand => ({
  type: 'AddUsers',
  data: {
    entries,
    roles: [{ role: 'SMART_ACCOUNT_VIEWER' }],
    notify: true,
    dryRun: false,
    idempotencyKey: null,
    ...more,
  },
  metadata: { actor, at },
});

const viewerAdded = (userId: string) => ({
  type: 'UserAdded' as const,
  data: {
    accountId: ACCOUNT,
    userId,
    roles: [whole('SMART_ACCOUNT_VIEWER')],
    notify: true,
    addedAt: at,
    addedBy: 'alice',
  },
});

const stateWith = (...more: Parameters<typeof given>) => given(...withVirtualAccounts, ...more).state();

describe('addUsers', () => {
  test('appends one UserAdded per new user, with the batch roles', () => {
    given(...withVirtualAccounts)
      .when(addUsers([entry('bob'), entry('carol')]))
      .then([viewerAdded('bob'), viewerAdded('carol')]);
  });

  test('reports every outcome in input order', () => {
    const command = addUsers([
      entry('bob', 2, 'bob@acme.com'),
      { input: 'ghost@acme.com', line: 3, userId: null, problem: 'NOT_FOUND' },
      {
        input: 'not an email',
        line: 4,
        userId: null,
        problem: 'INVALID',
        message: 'Neither a user ID nor an email',
      },
      entry('dave', 5),
      entry('bob', 6, 'bob'),
    ]);
    const { results, replayed } = planAddUsers(
      command,
      stateWith(userAdded('dave', [whole('SMART_ACCOUNT_USER')])),
    );
    expect(replayed).toBe(false);
    expect(results).toEqual([
      { input: 'bob@acme.com', line: 2, outcome: 'ADDED', message: null, userId: 'bob' },
      {
        input: 'ghost@acme.com',
        line: 3,
        outcome: 'NOT_FOUND',
        message: 'No active profile has this user ID or email',
        userId: null,
      },
      {
        input: 'not an email',
        line: 4,
        outcome: 'INVALID',
        message: 'Neither a user ID nor an email',
        userId: null,
      },
      { input: 'dave', line: 5, outcome: 'ALREADY_MEMBER', message: expect.any(String), userId: 'dave' },
      { input: 'bob', line: 6, outcome: 'DUPLICATE_IN_BATCH', message: 'Same user as line 2', userId: 'bob' },
    ]);
  });

  test('the same user given twice (by ID and by email) is added once', () => {
    given(...withVirtualAccounts)
      .when(addUsers([entry('bob', null, 'bob'), entry('bob', null, 'Bob@Acme.com')]))
      .then([viewerAdded('bob')]);
    const { results } = planAddUsers(
      addUsers([entry('bob', null, 'bob'), entry('bob', null, 'Bob@Acme.com')]),
      stateWith(),
    );
    expect(results.map((result) => result.outcome)).toEqual(['ADDED', 'DUPLICATE_IN_BATCH']);
    expect(results[1].message).toBe('Same user as "bob"');
  });

  test('an existing user keeps their roles: addUsers adds nobody already in', () => {
    given(...withVirtualAccounts, userAdded('dave', [whole('SMART_ACCOUNT_USER')]))
      .when(addUsers([entry('dave')]))
      .thenNothing();
  });

  test('a dry run appends nothing and reports WOULD_ADD', () => {
    const command = addUsers([entry('bob'), entry('alice')], { dryRun: true, idempotencyKey: 'k-1' });
    given(...withVirtualAccounts)
      .when(command)
      .thenNothing();
    expect(planAddUsers(command, stateWith()).results.map((result) => result.outcome)).toEqual([
      'WOULD_ADD',
      'ALREADY_MEMBER',
    ]);
  });

  test('an idempotency key records the batch; the retry appends nothing and returns the first result', () => {
    const command = addUsers([entry('bob')], { idempotencyKey: 'k-1' });
    const first = given(...withVirtualAccounts)
      .when(command)
      .events();
    const results = [{ input: 'bob', line: null, outcome: 'ADDED', message: null, userId: 'bob' }];
    expect(first).toEqual([
      viewerAdded('bob'),
      {
        type: 'UserBatchRecorded',
        data: { accountId: ACCOUNT, idempotencyKey: 'k-1', actorId: 'alice', results },
      },
    ]);
    given(...withVirtualAccounts, ...first)
      .when(command)
      .thenNothing();
    expect(planAddUsers(command, stateWith(...first))).toEqual({ results, replayed: true });
  });

  test('idempotency keys are per actor', () => {
    const first = given(...withVirtualAccounts)
      .when(addUsers([entry('bob')], { idempotencyKey: 'k-1' }))
      .events();
    const secondAdmin = [...first, userAdded('ann', [whole('SMART_ACCOUNT_ADMIN')])];
    const byAnn = addUsers([entry('carol')], { idempotencyKey: 'k-1', actor: { ...alice, userId: 'ann' } });
    expect(
      given(...withVirtualAccounts, ...secondAdmin)
        .when(byAnn)
        .events()[0],
    ).toMatchObject({
      type: 'UserAdded',
      data: { userId: 'carol', addedBy: 'ann' },
    });
  });

  test('an idempotency key over 200 characters is BAD_USER_INPUT', () => {
    given(...withVirtualAccounts)
      .when(addUsers([entry('bob')], { idempotencyKey: 'k'.repeat(201) }))
      .thenError('BAD_USER_INPUT', { field: 'idempotencyKey' });
  });

  test('no entries is BAD_USER_INPUT', () => {
    given(...withVirtualAccounts)
      .when(addUsers([]))
      .thenError('BAD_USER_INPUT', { field: 'users' });
  });

  test('Virtual Account roles are granted on the chosen Virtual Accounts', () => {
    const roles: RoleAssignmentInput[] = [
      { role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA },
      { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: DEFAULT_VA },
      { role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA },
    ];
    const [event] = given(...withVirtualAccounts)
      .when(addUsers([entry('bob')], { roles }))
      .events();
    expect(event.data).toMatchObject({
      roles: [
        { role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA },
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: DEFAULT_VA },
      ],
    });
  });

  test.each<[string, RoleAssignmentInput[]]>([
    [
      'a SMART_ACCOUNT_* role with a Virtual Account',
      [{ role: 'SMART_ACCOUNT_USER', virtualAccountId: SALES_VA }],
    ],
    ['a VIRTUAL_ACCOUNT_* role without one', [{ role: 'VIRTUAL_ACCOUNT_USER' }]],
    ['a VIRTUAL_ACCOUNT_* role with a null one', [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: null }]],
    [
      'a Virtual Account of another account',
      [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: 'va-elsewhere' }],
    ],
    ['an unknown role', [{ role: 'OWNER' }]],
    ['no role at all', []],
  ])('%s is BAD_USER_INPUT on roles', (_label, roles) => {
    given(...withVirtualAccounts)
      .when(addUsers([entry('bob')], { roles }))
      .thenError('BAD_USER_INPUT', { field: 'roles' });
  });
});

describe('addUsersResults: what the resolver reports after the command ran', () => {
  const run = (command: AddUsersCommand) => {
    const state = stateWith(userAdded('dave', [whole('SMART_ACCOUNT_USER')]));
    const appended = accountDecider.decide(command, state);
    return addUsersResults(
      command.data,
      command.metadata.actor.userId,
      appended,
      appended.reduce(accountDecider.evolve, state),
    );
  };
  const entries = [entry('bob'), entry('dave'), entry('bob')];

  test('without a key, derived from the appended events', () => {
    expect(run(addUsers(entries)).results.map((result) => result.outcome)).toEqual([
      'ADDED',
      'ALREADY_MEMBER',
      'DUPLICATE_IN_BATCH',
    ]);
  });

  test('with a key, the recorded results', () => {
    expect(run(addUsers(entries, { idempotencyKey: 'k' })).results.map((result) => result.outcome)).toEqual([
      'ADDED',
      'ALREADY_MEMBER',
      'DUPLICATE_IN_BATCH',
    ]);
  });

  test('a dry run, or nobody new: planned on the unchanged state', () => {
    expect(run(addUsers(entries, { dryRun: true })).results[0].outcome).toBe('WOULD_ADD');
    expect(run(addUsers([entry('dave')])).results[0].outcome).toBe('ALREADY_MEMBER');
  });
});
