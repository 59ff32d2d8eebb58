import {
  accountDecider,
  effectiveRoles,
  type AccountCommand,
  type AccountEvent,
} from '../../../src/domain/account';
import {
  DAY,
  PARTNERS,
  after,
  approve,
  cancel,
  decided,
  decline,
  eventsOf,
  requestAccess,
  requestGroupAccess,
  support,
  team,
} from './access-fixtures';
import { ACCOUNT, OPS_VA, SALES_VA, alice, deepFreeze, given, on, userAdded, whole } from './fixtures';

const pending = decided(team, requestAccess());
const decidedAt = after(3600);

describe('approving a USER request', () => {
  test('a requester who is not a user yet is added with the roles, in the same decision', () => {
    given(...pending)
      .when(
        approve([{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: SALES_VA }], { message: ' Welcome! ' }),
      )
      .then([
        {
          type: 'AccessApproved',
          data: {
            accountId: ACCOUNT,
            requestId: 'req-1',
            requesterId: 'rita',
            kind: 'USER',
            roles: [on('VIRTUAL_ACCOUNT_USER', SALES_VA)],
            message: 'Welcome!',
            decidedBy: 'alice',
            decidedAt,
          },
        },
        {
          type: 'UserAdded',
          data: {
            accountId: ACCOUNT,
            userId: 'rita',
            roles: [on('VIRTUAL_ACCOUNT_USER', SALES_VA)],
            notify: false,
            addedAt: decidedAt,
            addedBy: 'alice',
          },
        },
      ]);
  });

  test('afterwards the request is APPROVED with the granted roles, and the requester holds them', () => {
    const state = given(...decided(pending, approve())).state();
    expect(state.accessRequests['req-1']).toMatchObject({
      status: 'APPROVED',
      updatedAt: decidedAt,
      nextReminderAllowedAt: null,
      decidedBy: 'alice',
      decidedAt,
      decisionMessage: null,
      grantedRoles: [whole('SMART_ACCOUNT_VIEWER')],
    });
    expect(state.pendingRequestByRequester['rita']).toBeUndefined();
    expect(state.users['rita']).toMatchObject({ roles: [whole('SMART_ACCOUNT_VIEWER')], addedBy: 'alice' });
    expect(effectiveRoles(state, 'rita')).toEqual([{ ...whole('SMART_ACCOUNT_VIEWER'), viaGroupId: null }]);
  });

  test('a requester who became a user meanwhile gets the roles merged into theirs', () => {
    const meanwhile = [...pending, userAdded('rita', [on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA)])];
    const events = eventsOf(
      meanwhile,
      approve([
        { role: 'SMART_ACCOUNT_VIEWER' },
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: OPS_VA },
      ]),
    );
    expect(events).toEqual([
      {
        type: 'AccessApproved',
        data: expect.objectContaining({
          roles: [whole('SMART_ACCOUNT_VIEWER'), on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA)],
        }) as unknown,
      },
      {
        type: 'UserRolesChanged',
        data: {
          accountId: ACCOUNT,
          userId: 'rita',
          roles: [on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA), whole('SMART_ACCOUNT_VIEWER')],
          previousRoles: [on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA)],
        },
      },
    ]);
    expect(given(...meanwhile, ...events).state().users['rita'].roles).toEqual([
      on('VIRTUAL_ACCOUNT_VIEWER', OPS_VA),
      whole('SMART_ACCOUNT_VIEWER'),
    ]);
  });

  test('when the requester already holds every role granted, only the approval is recorded', () => {
    const meanwhile = [...pending, userAdded('rita', [whole('SMART_ACCOUNT_VIEWER')])];
    const events = eventsOf(meanwhile, approve([{ role: 'SMART_ACCOUNT_VIEWER' }]));
    expect(events.map((event) => event.type)).toEqual(['AccessApproved']);
  });

  test('support with a case may approve; the decision names the support user', () => {
    const events = eventsOf(pending, approve(undefined, {}, support));
    expect(events[0]).toMatchObject({ type: 'AccessApproved', data: { decidedBy: 'sue' } });
    expect(events[1]).toMatchObject({ type: 'UserAdded', data: { addedBy: 'sue' } });
  });

  test.each<[string, AccountCommand]>([
    ['no roles', approve(null)],
    ['an empty list of roles', approve([])],
    ['an unknown role', approve([{ role: 'SUPERUSER' }])],
    ['a Virtual Account role without a Virtual Account', approve([{ role: 'VIRTUAL_ACCOUNT_USER' }])],
    [
      "another account's Virtual Account",
      approve([{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: 'va-elsewhere' }]),
    ],
    [
      'a Smart Account role on a Virtual Account',
      approve([{ role: 'SMART_ACCOUNT_USER', virtualAccountId: SALES_VA }]),
    ],
  ])('%s is BAD_USER_INPUT on roles', (_label, command) => {
    given(...pending)
      .when(command)
      .thenError('BAD_USER_INPUT', { field: 'roles' });
  });

  test('a message of more than 1,000 characters is BAD_USER_INPUT on message; a blank one is none', () => {
    given(...pending)
      .when(approve(undefined, { message: 'm'.repeat(1001) }))
      .thenError('BAD_USER_INPUT', { field: 'message' });
    const [event] = eventsOf(pending, approve(undefined, { message: '   ' }));
    expect(event).toMatchObject({ data: { message: null } });
  });

  test('a GROUP request is granted with grantExternalGroupAccess, not approved', () => {
    const groupPending = decided(team, requestGroupAccess());
    given(...groupPending)
      .when(approve(undefined, { requestId: 'req-g1' }))
      .thenError('BAD_USER_INPUT');
    expect(() =>
      given(...groupPending)
        .when(approve(undefined, { requestId: 'req-g1' }))
        .events(),
    ).toThrow('Grant a group request with grantExternalGroupAccess');
  });

  test('decide never changes the state it is given', () => {
    const state = deepFreeze(given(...pending).state());
    expect(accountDecider.decide(approve(), state)).toHaveLength(2);
    expect(accountDecider.decide(decline(), state)).toHaveLength(1);
    expect(accountDecider.decide(cancel(), state)).toHaveLength(1);
  });
});

describe('declining', () => {
  test('records the decision; the requester gets no access', () => {
    given(...pending)
      .when(decline({ message: 'Ask your manager first' }))
      .then([
        {
          type: 'AccessDeclined',
          data: {
            accountId: ACCOUNT,
            requestId: 'req-1',
            requesterId: 'rita',
            kind: 'USER',
            message: 'Ask your manager first',
            decidedBy: 'alice',
            decidedAt,
          },
        },
      ]);
    const state = given(...decided(pending, decline())).state();
    expect(state.accessRequests['req-1']).toMatchObject({
      status: 'DECLINED',
      decidedBy: 'alice',
      decidedAt,
      decisionMessage: null,
      grantedRoles: [],
      nextReminderAllowedAt: null,
    });
    expect(state.users['rita']).toBeUndefined();
  });

  test('a GROUP request may be declined too, which frees the group to ask again', () => {
    const groupPending = decided(team, requestGroupAccess());
    const events = eventsOf(groupPending, decline({ requestId: 'req-g1' }));
    expect(events).toEqual([
      {
        type: 'AccessDeclined',
        data: expect.objectContaining({ kind: 'GROUP', requesterId: 'gail' }) as unknown,
      },
    ]);
    const state = given(...groupPending, ...events).state();
    expect(state.accessRequests['req-g1'].status).toBe('DECLINED');
    expect(state.pendingRequestByGroup[PARTNERS]).toBeUndefined();
  });
});

describe('cancelling', () => {
  test('the requester cancels a PENDING request', () => {
    given(...pending)
      .when(cancel())
      .then([
        {
          type: 'AccessRequestCancelled',
          data: { accountId: ACCOUNT, requestId: 'req-1', requesterId: 'rita', cancelledAt: after(60) },
        },
      ]);
    expect(given(...decided(pending, cancel())).state().accessRequests['req-1']).toMatchObject({
      status: 'CANCELLED',
      updatedAt: after(60),
      nextReminderAllowedAt: null,
      decidedBy: null,
    });
  });
});

describe('only a PENDING request is approved, declined or cancelled', () => {
  const closings: [string, AccountCommand][] = [
    ['APPROVED', approve()],
    ['DECLINED', decline()],
    ['CANCELLED', cancel()],
  ];
  const attempts: [string, AccountCommand][] = [
    ['approve', approve([{ role: 'SMART_ACCOUNT_USER' }], { at: after(DAY) })],
    ['decline', decline({ at: after(DAY) })],
    ['cancel', cancel(undefined, undefined, after(DAY))],
  ];
  for (const [status, closing] of closings) {
    test.each(attempts)(`${status}: %s is a CONFLICT`, (_label, attempt) => {
      given(...decided(pending, closing))
        .when(attempt)
        .thenError('CONFLICT', { requestId: 'req-1', status });
    });
  }

  test('of 50 concurrent decisions, exactly one is recorded; the others meet a decided request', () => {
    const deciders = [alice, support];
    const decisions: AccountCommand[] = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? approve([{ role: 'SMART_ACCOUNT_VIEWER' }], { at: after(i) }, deciders[i % 4 === 0 ? 0 : 1])
        : decline({ at: after(i) }, deciders[i % 3 === 0 ? 0 : 1]),
    );
    // Each decision, decided against the same PENDING state, would succeed alone...
    for (const decision of decisions) expect(eventsOf(pending, decision).length).toBeGreaterThan(0);
    // ...but with optimistic concurrency only the first append wins; each retry, decided on the
    // state that includes it, is a CONFLICT.
    let history: AccountEvent[] = pending;
    let recorded = 0;
    for (const decision of decisions) {
      try {
        history = decided(history, decision);
        recorded++;
      } catch (error) {
        expect(error).toMatchObject({ code: 'CONFLICT' });
      }
    }
    expect(recorded).toBe(1);
    const decisionsRecorded = history.filter(
      (e) => e.type === 'AccessApproved' || e.type === 'AccessDeclined',
    );
    expect(decisionsRecorded).toHaveLength(1);
  });
});
