import { canReadAccessRequest, type AccountCommand } from '../../../src/domain/account';
import type { Actor } from '../../../src/domain/decider';
import {
  DAY,
  after,
  approve,
  auditor,
  cancel,
  decided,
  decline,
  eventsOf,
  gail,
  grant,
  mallory,
  remind,
  requestAccess,
  requestGroupAccess,
  revoke,
  rita,
  support,
  supportWithoutCase,
  team,
} from './access-fixtures';
import { SALES_VA, actor, alice, given } from './fixtures';

/** rita's USER request req-1, and a granted GROUP request of g-partners. */
const history = decided(
  decided(decided(team, requestAccess()), requestGroupAccess()),
  grant([{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }]),
);

const bob = actor('bob'); // SMART_ACCOUNT_VIEWER: reads the account, not its requests
const dave = actor('dave'); // VIRTUAL_ACCOUNT_ADMIN of Sales

const state = given(...history).state();

describe('who may read an access request', () => {
  test.each<[string, Actor, boolean]>([
    ['the requester', rita, true],
    ['a SMART_ACCOUNT_ADMIN', alice, true],
    ['an auditor', auditor, true],
    ['support with a case', support, true],
    ['support without a case', supportWithoutCase, false],
    ['a SMART_ACCOUNT_VIEWER', bob, false],
    ['a VIRTUAL_ACCOUNT_ADMIN', dave, false],
    ['a stranger', mallory, false],
  ])('%s: %s', (_label, who, may) => {
    expect(canReadAccessRequest(state, who, 'req-1')).toBe(may);
  });

  test('nobody reads an unknown request', () => {
    expect(canReadAccessRequest(state, alice, 'req-nope')).toBe(false);
  });

  test('the administrator who filed a GROUP request reads it, without a role in the target', () => {
    expect(canReadAccessRequest(state, gail, 'req-g1')).toBe(true);
    expect(canReadAccessRequest(state, rita, 'req-g1')).toBe(false);
  });
});

type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';

function expectOutcome(command: AccountCommand, outcome: Outcome): void {
  if (outcome === 'ok') expect(eventsOf(history, command).length).toBeGreaterThan(0);
  else
    given(...history)
      .when(command)
      .thenError(outcome);
}

describe('approve and decline: SMART_ACCOUNT_ADMINs of the target', () => {
  test.each<[string, Actor, Outcome]>([
    ['a SMART_ACCOUNT_ADMIN', alice, 'ok'],
    ['support with a case', support, 'ok'],
    ['the requester', rita, 'FORBIDDEN'],
    ['an auditor', auditor, 'FORBIDDEN'],
    ['a SMART_ACCOUNT_VIEWER', bob, 'NOT_FOUND'],
    ['a VIRTUAL_ACCOUNT_ADMIN', dave, 'NOT_FOUND'],
    ['a stranger', mallory, 'NOT_FOUND'],
    ['support without a case', supportWithoutCase, 'NOT_FOUND'],
  ])('%s: %s', (_label, who, outcome) => {
    expectOutcome(approve(undefined, {}, who), outcome);
    expectOutcome(decline({}, who), outcome);
  });

  test('those who may not see a request are told it does not exist', () => {
    expect(() =>
      given(...history)
        .when(decline({}, bob))
        .events(),
    ).toThrow('Access request not found');
  });

  test('an unknown request is NOT_FOUND, even for an administrator', () => {
    given(...history)
      .when(approve(undefined, { requestId: 'req-nope' }))
      .thenError('NOT_FOUND');
  });
});

describe('reminders and cancelling: the requester only', () => {
  test.each<[string, Actor, Outcome]>([
    ['the requester', rita, 'ok'],
    ['a SMART_ACCOUNT_ADMIN', alice, 'FORBIDDEN'],
    ['an auditor', auditor, 'FORBIDDEN'],
    ['support with a case', support, 'FORBIDDEN'],
    ['a SMART_ACCOUNT_VIEWER', bob, 'NOT_FOUND'],
    ['a VIRTUAL_ACCOUNT_ADMIN', dave, 'NOT_FOUND'],
    ['a stranger', mallory, 'NOT_FOUND'],
    ['support without a case', supportWithoutCase, 'NOT_FOUND'],
  ])('%s: %s', (_label, who, outcome) => {
    expectOutcome(remind(after(DAY), who), outcome);
    expectOutcome(cancel(who), outcome);
  });

  test('an unknown request is NOT_FOUND, even for a requester', () => {
    given(...history)
      .when(remind(after(DAY), rita, 'req-nope'))
      .thenError('NOT_FOUND');
    given(...history)
      .when(cancel(rita, 'req-nope'))
      .thenError('NOT_FOUND');
  });

  test('a GROUP request is reminded and cancelled by the administrator who filed it', () => {
    const groupPending = decided(team, requestGroupAccess());
    expect(eventsOf(groupPending, remind(after(DAY), gail, 'req-g1'))).toHaveLength(1);
    expect(eventsOf(groupPending, cancel(gail, 'req-g1'))).toHaveLength(1);
    given(...groupPending)
      .when(cancel(alice, 'req-g1'))
      .thenError('FORBIDDEN');
  });
});

describe('grant and revoke external group access: SMART_ACCOUNT_ADMINs of the target', () => {
  const pendingGroup = decided(team, requestGroupAccess());
  const access = [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }];

  test.each<[string, Actor, Outcome]>([
    ['a SMART_ACCOUNT_ADMIN', alice, 'ok'],
    ['support with a case', support, 'ok'],
    ['an auditor', auditor, 'FORBIDDEN'],
    ['a SMART_ACCOUNT_VIEWER', bob, 'FORBIDDEN'],
    ['a VIRTUAL_ACCOUNT_ADMIN', dave, 'FORBIDDEN'],
    ['the group requester (no role here)', gail, 'NOT_FOUND'],
    ['a stranger', mallory, 'NOT_FOUND'],
    ['support without a case', supportWithoutCase, 'NOT_FOUND'],
  ])('%s: %s', (_label, who, outcome) => {
    if (outcome === 'ok') {
      expect(eventsOf(pendingGroup, grant(access, {}, who))).toHaveLength(1);
      expect(eventsOf(history, revoke(undefined, who))).toHaveLength(1);
    } else {
      given(...pendingGroup)
        .when(grant(access, {}, who))
        .thenError(outcome);
      given(...history)
        .when(revoke(undefined, who))
        .thenError(outcome);
    }
  });

  test('authorization comes first: an unknown lookup ID is still FORBIDDEN / NOT_FOUND', () => {
    given(...pendingGroup)
      .when(grant(access, { lookupId: 'NOPE' }, bob))
      .thenError('FORBIDDEN');
    given(...pendingGroup)
      .when(grant(access, { lookupId: 'NOPE' }, mallory))
      .thenError('NOT_FOUND');
    expect(() =>
      given(...pendingGroup)
        .when(grant(access, { lookupId: 'NOPE' }, mallory))
        .events(),
    ).toThrow('Smart Account not found');
  });
});
