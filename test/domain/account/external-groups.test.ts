import {
  authorize,
  can,
  effectiveRoles,
  externalRolesOf,
  type AccountCommand,
  type AccountEvent,
  type GroupAccessInput,
} from '../../../src/domain/account';
import {
  DAY,
  PARTNERS,
  REQUESTING_ACCOUNT,
  T0,
  after,
  cancel,
  decided,
  decline,
  eventsOf,
  gail,
  grant,
  requestAccess,
  requestGroupAccess,
  revoke,
  team,
} from './access-fixtures';
import { ACCOUNT, OPS_VA, SALES_VA, actor, given } from './fixtures';

const salesViewer: GroupAccessInput = { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' };
const opsAdmin: GroupAccessInput = { virtualAccountId: OPS_VA, role: 'VIRTUAL_ACCOUNT_ADMIN' };

const pending = decided(team, requestGroupAccess());
const granted = decided(pending, grant([salesViewer, opsAdmin], { message: 'Welcome, partners' }));
const grantedAt = after(7200);

/** gus is a member of g-partners in acc-2; nobody else is a member of anything there. */
const membership = (fromAccountId: string, groupId: string): boolean =>
  fromAccountId === REQUESTING_ACCOUNT && groupId === PARTNERS;
const gus = actor('gus');

const revokeDeleted = (groupId = PARTNERS, fromAccountId = REQUESTING_ACCOUNT): AccountCommand => ({
  type: 'RevokeDeletedGroupGrant',
  data: { groupId, fromAccountId },
  metadata: { actor: actor('system'), at: after(20_000) },
});

describe('a group requests access to another Smart Account', () => {
  test('a GROUP request names the requesting group and account', () => {
    given(...team)
      .when(requestGroupAccess())
      .then([
        {
          type: 'AccessRequested',
          data: {
            accountId: ACCOUNT,
            requestId: 'req-g1',
            lookupId: 'GRP7-K2QX',
            kind: 'GROUP',
            requesterId: 'gail',
            reason: 'Our partner team works on your Sales pipeline',
            requestingAccountId: REQUESTING_ACCOUNT,
            requestingAccountName: 'Globex',
            requestingGroupId: PARTNERS,
            requestingGroupName: 'Partners',
            createdAt: T0,
            nextReminderAllowedAt: after(DAY),
          },
        },
      ]);
    const state = given(...pending).state();
    expect(state.pendingRequestByGroup[PARTNERS]).toBe('req-g1');
    // A group request does not count as the administrator's own request.
    expect(state.pendingRequestByRequester['gail']).toBeUndefined();
    expect(eventsOf(pending, requestAccess({}, gail))).toHaveLength(1);
  });

  test('a missing target is NOT_FOUND', () => {
    given().when(requestGroupAccess()).thenError('NOT_FOUND');
  });

  test('a group cannot ask for access to its own account', () => {
    given(...team)
      .when(requestGroupAccess({ requestingAccountId: ACCOUNT }))
      .thenError('BAD_USER_INPUT', { field: 'domainIdentifier' });
  });

  test('the reason is trimmed and bounded', () => {
    given(...team)
      .when(requestGroupAccess({ reason: '  ' }))
      .thenError('BAD_USER_INPUT', { field: 'reason' });
    given(...team)
      .when(requestGroupAccess({ reason: 'r'.repeat(1001) }))
      .thenError('BAD_USER_INPUT', { field: 'reason' });
  });

  test('one PENDING request per group: a second, by anyone, is a CONFLICT naming the first', () => {
    given(...pending)
      .when(requestGroupAccess({ requestId: 'req-g2', lookupId: 'GRP8-AAAA' }, actor('gordon')))
      .thenError('CONFLICT', { requestId: 'req-g1' });
  });

  test('another group of the same account may ask at the same time', () => {
    const other = requestGroupAccess({
      requestId: 'req-g2',
      lookupId: 'GRP8-AAAA',
      requestingGroupId: 'g-support',
      requestingGroupName: 'Support',
    });
    expect(eventsOf(pending, other)).toHaveLength(1);
  });

  test('a group that already has access may not ask again (CONFLICT) until it is revoked', () => {
    const again = requestGroupAccess({ requestId: 'req-g2', lookupId: 'GRP8-AAAA' });
    given(...granted)
      .when(again)
      .thenError('CONFLICT', { groupId: PARTNERS });
    expect(eventsOf(decided(granted, revoke()), again)).toHaveLength(1);
  });

  test.each<[string, AccountCommand]>([
    ['declined', decline({ requestId: 'req-g1' })],
    ['cancelled', cancel(gail, 'req-g1')],
  ])('once the request is %s, the group may ask again', (_label, closing) => {
    const again = requestGroupAccess({ requestId: 'req-g2', lookupId: 'GRP8-AAAA' });
    expect(eventsOf(decided(pending, closing), again)).toHaveLength(1);
  });
});

describe('granting by lookup ID', () => {
  test.each(['GRP7-K2QX', 'grp7-k2qx', 'GRP7K2QX', ' grp7 k2qx '])(
    'the lookup ID %j finds the request (any case, dashes and spaces ignored)',
    (lookupId) => {
      given(...pending)
        .when(grant([salesViewer], { lookupId }))
        .then([
          {
            type: 'ExternalGroupAccessGranted',
            data: {
              accountId: ACCOUNT,
              requestId: 'req-g1',
              lookupId: 'GRP7-K2QX',
              requesterId: 'gail',
              groupId: PARTNERS,
              groupName: 'Partners',
              fromAccountId: REQUESTING_ACCOUNT,
              fromAccountName: 'Globex',
              access: [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
              message: null,
              grantedAt,
              grantedBy: 'alice',
            },
          },
        ]);
    },
  );

  test('the grant is recorded and the request is APPROVED with the access as its granted roles', () => {
    const state = given(...granted).state();
    expect(state.externalGrants[PARTNERS]).toEqual({
      groupId: PARTNERS,
      groupName: 'Partners',
      fromAccountId: REQUESTING_ACCOUNT,
      fromAccountName: 'Globex',
      access: [salesViewer, opsAdmin],
      requestId: 'req-g1',
      message: 'Welcome, partners',
      grantedAt,
      grantedBy: 'alice',
    });
    expect(state.accessRequests['req-g1']).toMatchObject({
      status: 'APPROVED',
      decidedBy: 'alice',
      decidedAt: grantedAt,
      decisionMessage: 'Welcome, partners',
      nextReminderAllowedAt: null,
      grantedRoles: [
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: SALES_VA },
        { role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccountId: OPS_VA },
      ],
    });
    expect(state.pendingRequestByGroup[PARTNERS]).toBeUndefined();
  });

  test('an unknown lookup ID is NOT_FOUND', () => {
    given(...pending)
      .when(grant([salesViewer], { lookupId: 'ZZZZ-ZZZZ' }))
      .thenError('NOT_FOUND');
    expect(() =>
      given(...pending)
        .when(grant([salesViewer], { lookupId: '' }))
        .events(),
    ).toThrow('No access request has this lookup ID');
  });

  test("a USER request's lookup ID is NOT_FOUND here", () => {
    const withUserRequest = decided(pending, requestAccess());
    given(...withUserRequest)
      .when(grant([salesViewer], { lookupId: 'lkup-0001' }))
      .thenError('NOT_FOUND');
  });

  test.each<[string, AccountEvent[], string]>([
    ['granted', granted, 'APPROVED'],
    ['declined', decided(pending, decline({ requestId: 'req-g1' })), 'DECLINED'],
    ['cancelled', decided(pending, cancel(gail, 'req-g1')), 'CANCELLED'],
  ])('a request already %s is a CONFLICT', (_label, history, status) => {
    given(...history)
      .when(grant([salesViewer]))
      .thenError('CONFLICT', { requestId: 'req-g1', status });
  });

  test.each<[string, GroupAccessInput[]]>([
    ['no access', []],
    ['a Smart Account role', [{ virtualAccountId: SALES_VA, role: 'SMART_ACCOUNT_ADMIN' }]],
    ['an unknown role', [{ virtualAccountId: SALES_VA, role: 'OWNER' }]],
    [
      'a Virtual Account of another account',
      [{ virtualAccountId: 'va-elsewhere', role: 'VIRTUAL_ACCOUNT_USER' }],
    ],
    [
      'one Virtual Account twice',
      [salesViewer, { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }],
    ],
  ])('%s is BAD_USER_INPUT on access', (_label, access) => {
    given(...pending)
      .when(grant(access))
      .thenError('BAD_USER_INPUT', { field: 'access' });
  });

  test('a decision message over 1,000 characters is BAD_USER_INPUT on message', () => {
    given(...pending)
      .when(grant([salesViewer], { message: 'm'.repeat(1001) }))
      .thenError('BAD_USER_INPUT', { field: 'message' });
  });
});

describe("a granted group's members hold its access in the target", () => {
  test('externalRolesOf gives a member the access, through the group', () => {
    const state = given(...granted).state();
    const asked: [string, string][] = [];
    const roles = externalRolesOf(state, (fromAccountId, groupId) => {
      asked.push([fromAccountId, groupId]);
      return membership(fromAccountId, groupId);
    });
    expect(asked).toEqual([[REQUESTING_ACCOUNT, PARTNERS]]);
    expect(roles).toEqual([
      { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccountId: SALES_VA, viaGroupId: PARTNERS },
      { role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccountId: OPS_VA, viaGroupId: PARTNERS },
    ]);
    expect(externalRolesOf(state, () => false)).toEqual([]);
    expect(effectiveRoles(state, 'gus', roles)).toEqual(roles);
  });

  test('with them, authorize / can let the member read the account (readAccount: ANY_ROLE)', () => {
    const state = given(...granted).state();
    const extra = externalRolesOf(state, membership);
    expect(can(state, gus, 'readAccount', extra)).toBe(true);
    expect(() => authorize(state, gus, 'readAccount', extra)).not.toThrow();
    // Without them, gus is a stranger; and external roles never make anyone an administrator.
    expect(can(state, gus, 'readAccount')).toBe(false);
    expect(() => authorize(state, gus, 'readAccount')).toThrow('Smart Account not found');
    expect(can(state, gus, 'decideAccessRequests', extra)).toBe(false);
    expect(can(state, gus, 'readAccessRequests', extra)).toBe(false);
  });

  test('revoking takes the access away', () => {
    given(...granted)
      .when(revoke())
      .then([
        {
          type: 'ExternalGroupAccessRevoked',
          data: {
            accountId: ACCOUNT,
            groupId: PARTNERS,
            fromAccountId: REQUESTING_ACCOUNT,
            reason: 'REVOKED',
            revokedAt: after(10_000),
            revokedBy: 'alice',
          },
        },
      ]);
    const state = given(...decided(granted, revoke())).state();
    expect(state.externalGrants[PARTNERS]).toBeUndefined();
    const extra = externalRolesOf(state, membership);
    expect(extra).toEqual([]);
    expect(() => authorize(state, gus, 'readAccount', extra)).toThrow('Smart Account not found');
    // The request keeps its history: it was approved.
    expect(state.accessRequests['req-g1'].status).toBe('APPROVED');
  });

  test('revoking a group without a grant is NOT_FOUND', () => {
    given(...decided(granted, revoke()))
      .when(revoke())
      .thenError('NOT_FOUND');
    given(...pending)
      .when(revoke())
      .thenError('NOT_FOUND');
    given(...granted)
      .when(revoke('g-sales'))
      .thenError('NOT_FOUND');
  });
});

describe('a group deleted in its own account loses its grants', () => {
  test('the process manager revokes the grant: GROUP_DELETED, by nobody', () => {
    given(...granted)
      .when(revokeDeleted())
      .then([
        {
          type: 'ExternalGroupAccessRevoked',
          data: {
            accountId: ACCOUNT,
            groupId: PARTNERS,
            fromAccountId: REQUESTING_ACCOUNT,
            reason: 'GROUP_DELETED',
            revokedAt: after(20_000),
            revokedBy: null,
          },
        },
      ]);
    const state = given(...decided(granted, revokeDeleted())).state();
    expect(state.externalGrants[PARTNERS]).toBeUndefined();
    expect(externalRolesOf(state, membership)).toEqual([]);
  });

  test.each<[string, AccountEvent[], AccountCommand]>([
    ['no grant of that group', pending, revokeDeleted()],
    ['already revoked', decided(granted, revoke()), revokeDeleted()],
    ['the same group ID from another account', granted, revokeDeleted(PARTNERS, 'acc-other')],
    ['another group', granted, revokeDeleted('g-other')],
    ['a missing account', [], revokeDeleted()],
  ])('nothing to do when there is %s', (_label, history, command) => {
    given(...history)
      .when(command)
      .thenNothing();
  });
});

describe('roles held through another account’s group are checked against the loaded grants', () => {
  const opsUser = [{ role: 'VIRTUAL_ACCOUNT_USER' as const, virtualAccountId: OPS_VA }];
  const addZoe = (externalRoles: ReturnType<typeof externalRolesOf>): AccountCommand => ({
    type: 'AddUsers',
    data: {
      entries: [{ input: 'zoe', line: null, userId: 'zoe', problem: null }],
      roles: opsUser,
      notify: false,
      dryRun: false,
      idempotencyKey: null,
    },
    metadata: { actor: gus, at: after(30_000), externalRoles: externalRoles },
  });
  // Worked out before the lock, when the grant still stood.
  const staleRoles = externalRolesOf(given(...granted).state(), membership);

  test('while the grant stands, the Ops administrator it gives may add users to Ops', () => {
    expect(eventsOf(granted, addZoe(staleRoles)).map((event) => event.type)).toEqual(['UserAdded']);
  });

  test('after the grant was revoked, the roles worked out before are refused (NOT_FOUND)', () => {
    given(...decided(granted, revoke()))
      .when(addZoe(staleRoles))
      .thenError('NOT_FOUND');
  });

  test('after a new, smaller grant, only the access it gives counts (FORBIDDEN)', () => {
    const regranted = decided(
      decided(decided(granted, revoke()), requestGroupAccess({ requestId: 'req-g2', lookupId: 'GRP7-AAAA' })),
      grant([salesViewer], { lookupId: 'GRP7-AAAA', at: after(25_000) }),
    );
    given(...regranted)
      .when(addZoe(staleRoles))
      .thenError('FORBIDDEN');
  });
});
