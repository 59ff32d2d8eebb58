import { normalizeLookupId } from '../../../src/domain/account';
import { DAY, T0, after, approve, cancel, decided, decline, requestAccess, team } from './access-fixtures';
import { ACCOUNT, actor, given } from './fixtures';

const pending = decided(team, requestAccess());

describe('requestAccess', () => {
  test('a person with no role files a PENDING USER request; the first reminder waits one interval', () => {
    given(...team)
      .when(requestAccess())
      .then([
        {
          type: 'AccessRequested',
          data: {
            accountId: ACCOUNT,
            requestId: 'req-1',
            lookupId: 'LKUP-0001',
            kind: 'USER',
            requesterId: 'rita',
            reason: 'I need the Sales reports',
            requestingAccountId: null,
            requestingAccountName: null,
            requestingGroupId: null,
            requestingGroupName: null,
            createdAt: T0,
            nextReminderAllowedAt: after(DAY),
          },
        },
      ]);
  });

  test('the interval comes with the command', () => {
    const [event] = given(...team)
      .when(requestAccess({ reminderIntervalSeconds: 90 }))
      .events();
    expect(event).toMatchObject({ data: { nextReminderAllowedAt: '2026-01-01T00:01:30.000Z' } });
  });

  test('the state shows every field of the request', () => {
    const state = given(...pending).state();
    expect(state.accessRequests['req-1']).toEqual({
      id: 'req-1',
      lookupId: 'LKUP-0001',
      kind: 'USER',
      status: 'PENDING',
      reason: 'I need the Sales reports',
      requesterId: 'rita',
      requestingAccountId: null,
      requestingAccountName: null,
      requestingGroupId: null,
      requestingGroupName: null,
      createdAt: T0,
      updatedAt: T0,
      remindersSent: 0,
      lastReminderAt: null,
      nextReminderAllowedAt: after(DAY),
      decidedBy: null,
      decidedAt: null,
      decisionMessage: null,
      grantedRoles: [],
    });
    expect(state.pendingRequestByRequester['rita']).toBe('req-1');
    expect(state.requestIdByLookupId[normalizeLookupId('lkup-0001')]).toBe('req-1');
    // Filing a request gives no access.
    expect(state.users['rita']).toBeUndefined();
  });

  test('a missing account is NOT_FOUND', () => {
    given().when(requestAccess()).thenError('NOT_FOUND');
    expect(() => given().when(requestAccess()).events()).toThrow('Smart Account not found');
  });

  test.each([
    ['a SMART_ACCOUNT_ADMIN', 'alice'],
    ['a SMART_ACCOUNT_VIEWER', 'bob'],
    ['a VIRTUAL_ACCOUNT_USER', 'carol'],
    ['a VIRTUAL_ACCOUNT_ADMIN', 'dave'],
  ])('%s already holds a direct role: FORBIDDEN', (_label, userId) => {
    given(...team)
      .when(requestAccess({}, actor(userId)))
      .thenError('FORBIDDEN');
    expect(() =>
      given(...team)
        .when(requestAccess({}, actor(userId)))
        .events(),
    ).toThrow('You already hold a role in this Smart Account');
  });

  test('the reason is trimmed', () => {
    const [event] = given(...team)
      .when(requestAccess({ reason: '  \n Please  \t' }))
      .events();
    expect(event).toMatchObject({ data: { reason: 'Please' } });
  });

  test.each([
    ['empty', ''],
    ['blank', '   \n '],
    ['1,001 characters', 'x'.repeat(1001)],
  ])('a reason that is %s is BAD_USER_INPUT on reason', (_label, reason) => {
    given(...team)
      .when(requestAccess({ reason }))
      .thenError('BAD_USER_INPUT', { field: 'reason' });
  });

  test('1 and 1,000 characters are fine (counted after trimming)', () => {
    for (const reason of ['x', ` ${'y'.repeat(1000)} `]) {
      expect(
        given(...team)
          .when(requestAccess({ reason }))
          .events(),
      ).toHaveLength(1);
    }
  });
});

describe('one PENDING request per person', () => {
  test('a second request is a CONFLICT naming the first', () => {
    given(...pending)
      .when(requestAccess({ requestId: 'req-2', lookupId: 'LKUP-0002', reason: 'Again' }))
      .thenError('CONFLICT', { requestId: 'req-1' });
  });

  test('other people may each have their own', () => {
    const two = decided(pending, requestAccess({ requestId: 'req-2', lookupId: 'LKUP-0002' }, actor('ron')));
    const state = given(...two).state();
    expect(state.pendingRequestByRequester['rita']).toBe('req-1');
    expect(state.pendingRequestByRequester['ron']).toBe('req-2');
  });

  test.each([
    ['declined', decline()],
    ['cancelled', cancel()],
  ])('once the first is %s, a new one may be filed', (_label, closing) => {
    const closed = decided(pending, closing);
    expect(given(...closed).state().pendingRequestByRequester['rita']).toBeUndefined();
    const again = requestAccess({ requestId: 'req-2', lookupId: 'LKUP-0002', at: after(7200) });
    const [event] = given(...closed)
      .when(again)
      .events();
    expect(event).toMatchObject({
      type: 'AccessRequested',
      data: { requestId: 'req-2', requesterId: 'rita' },
    });
    // ...and that one blocks the next.
    given(...closed, event)
      .when(requestAccess({ requestId: 'req-3', lookupId: 'LKUP-0003' }))
      .thenError('CONFLICT', { requestId: 'req-2' });
  });

  test('once approved, the requester holds a role and may not request again', () => {
    given(...decided(pending, approve()))
      .when(requestAccess({ requestId: 'req-2', lookupId: 'LKUP-0002' }))
      .thenError('FORBIDDEN');
  });

  test('a lookup ID already used in the account is a CONFLICT, compared like the lookup', () => {
    given(...pending)
      .when(requestAccess({ requestId: 'req-2', lookupId: 'lkup 0001' }, actor('ron')))
      .thenError('CONFLICT', { field: 'lookupId' });
  });

  test('a request ID already used in the account is a CONFLICT', () => {
    given(...pending)
      .when(requestAccess({ lookupId: 'LKUP-0002' }, actor('ron')))
      .thenError('CONFLICT');
  });
});

test('lookup IDs are normalized: upper case, no dashes or spaces', () => {
  expect(normalizeLookupId(' grp7-k2qx ')).toBe('GRP7K2QX');
  expect(normalizeLookupId('GRP7 K2-QX')).toBe('GRP7K2QX');
});
