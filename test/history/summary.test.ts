import { auditorsGranted, daveApproved } from './fixtures';
import {
  ACCOUNT_EVENT_TYPES,
  initialAccountState,
  evolveAccount,
  type AccountEvent,
} from '../../src/domain/account';
import { summarize, subjectUserIdOf } from '../../src/history/summary';
import {
  ACCOUNT,
  DEFAULT_VA,
  SALES_VA,
  groupCreated,
  on,
  userAdded,
  whole,
  withVirtualAccounts,
} from '../domain/account/fixtures';

const account = [
  ...withVirtualAccounts,
  userAdded('bob', [whole('SMART_ACCOUNT_VIEWER')]),
  groupCreated('g1', 'Engineering', ['bob'], [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }]),
  {
    type: 'AccessRequested',
    data: {
      accountId: ACCOUNT,
      requestId: 'r1',
      lookupId: '7KQ2M-X9D4P',
      kind: 'USER',
      requesterId: 'dave',
      reason: 'I work here',
      requestingAccountId: null,
      requestingAccountName: null,
      requestingGroupId: null,
      requestingGroupName: null,
      createdAt: 'x',
      nextReminderAllowedAt: 'x',
    },
  },
] as AccountEvent[];

const given = (...history: AccountEvent[]) => {
  const state = history.reduce(evolveAccount, initialAccountState());
  return {
    summary: (event: AccountEvent, actorId: string | null = 'alice', supportCaseId: string | null = null) =>
      summarize(event, state, { actorId, supportCaseId }),
  };
};

const base = { accountId: ACCOUNT };

describe('history summaries: one line a person reads, for every event type', () => {
  const cases: Array<[string, AccountEvent, string]> = [
    [
      'SmartAccountCreated',
      {
        type: 'SmartAccountCreated',
        data: { ...base, name: 'Acme', domainIdentifier: 'acme.com', createdAt: 'x', createdBy: 'alice' },
      },
      'alice created Smart Account "Acme" (acme.com)',
    ],
    [
      'VirtualAccountCreated',
      {
        type: 'VirtualAccountCreated',
        data: {
          ...base,
          virtualAccountId: 'va-x',
          name: 'Labs',
          description: null,
          isDefault: false,
          createdAt: 'x',
        },
      },
      'alice created Virtual Account "Labs"',
    ],
    [
      'UserAdded',
      userAdded('carol', [on('VIRTUAL_ACCOUNT_ADMIN', SALES_VA)]),
      'alice added carol with VIRTUAL_ACCOUNT_ADMIN on Sales',
    ],
    [
      'UserRolesChanged',
      {
        type: 'UserRolesChanged',
        data: {
          ...base,
          userId: 'bob',
          roles: [whole('SMART_ACCOUNT_USER')],
          previousRoles: [whole('SMART_ACCOUNT_VIEWER')],
        },
      },
      "alice changed bob's roles from SMART_ACCOUNT_VIEWER to SMART_ACCOUNT_USER",
    ],
    [
      'UserRemoved',
      {
        type: 'UserRemoved',
        data: { ...base, userId: 'bob', previousRoles: [], removedFromGroups: ['g1'], notify: false },
      },
      'alice removed bob (who left group "Engineering")',
    ],
    [
      'UserBatchRecorded',
      { type: 'UserBatchRecorded', data: { ...base, idempotencyKey: 'k', actorId: 'alice', results: [] } },
      'alice recorded the outcome of an add-users batch (0 entries)',
    ],
    [
      'GroupCreated',
      groupCreated(
        'g2',
        'Ops team',
        ['bob', 'alice'],
        [{ virtualAccountId: DEFAULT_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
      ),
      'alice created group "Ops team" with 2 members and VIRTUAL_ACCOUNT_VIEWER on Default',
    ],
    [
      'GroupUpdated',
      { type: 'GroupUpdated', data: { ...base, groupId: 'g1', name: 'Platform' } },
      'alice renamed group "Engineering" to "Platform"',
    ],
    [
      'GroupMembersAdded',
      { type: 'GroupMembersAdded', data: { ...base, groupId: 'g1', userIds: ['alice', 'carol', 'dave'] } },
      'alice added alice, carol and dave to group "Engineering"',
    ],
    [
      'GroupMembersRemoved',
      { type: 'GroupMembersRemoved', data: { ...base, groupId: 'g1', userIds: ['bob'] } },
      'alice removed bob from group "Engineering"',
    ],
    [
      'GroupAccessChanged',
      {
        type: 'GroupAccessChanged',
        data: {
          ...base,
          groupId: 'g1',
          access: [],
          previousAccess: [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }],
        },
      },
      'alice changed the access of group "Engineering" from VIRTUAL_ACCOUNT_USER on Sales to no roles',
    ],
    [
      'GroupDeleted',
      {
        type: 'GroupDeleted',
        data: { ...base, groupId: 'g1', name: 'Engineering', memberIds: [], access: [] },
      },
      'alice deleted group "Engineering"',
    ],
    [
      'GroupMessageSent',
      {
        type: 'GroupMessageSent',
        data: {
          ...base,
          groupId: 'g1',
          messageId: 'm',
          subject: 'Hello',
          body: 'b',
          recipientIds: ['bob'],
          sentAt: 'x',
          sentBy: 'alice',
        },
      },
      'alice sent "Hello" to 1 member of group "Engineering"',
    ],
    [
      'AccessRequested',
      {
        type: 'AccessRequested',
        data: {
          ...base,
          requestId: 'r2',
          lookupId: 'AAAAA-BBBBB',
          kind: 'GROUP',
          requesterId: 'erin',
          reason: 'r',
          requestingAccountId: 'acc-2',
          requestingAccountName: 'Globex',
          requestingGroupId: 'g9',
          requestingGroupName: 'Auditors',
          createdAt: 'x',
          nextReminderAllowedAt: 'x',
        },
      },
      'erin requested access for group "Auditors" of Globex (access request AAAAA-BBBBB)',
    ],
    [
      'AccessReminderSent',
      {
        type: 'AccessReminderSent',
        data: {
          ...base,
          requestId: 'r1',
          requesterId: 'dave',
          sentAt: 'x',
          remindersSent: 2,
          nextReminderAllowedAt: 'x',
        },
      },
      'dave sent reminder 2 about access request 7KQ2M-X9D4P',
    ],
    [
      'AccessApproved',
      daveApproved,
      "alice approved dave's access request 7KQ2M-X9D4P with SMART_ACCOUNT_USER",
    ],
    [
      'AccessDeclined',
      {
        type: 'AccessDeclined',
        data: {
          ...base,
          requestId: 'r1',
          requesterId: 'dave',
          kind: 'USER',
          message: null,
          decidedBy: 'alice',
          decidedAt: 'x',
        },
      },
      "alice declined dave's access request 7KQ2M-X9D4P",
    ],
    [
      'AccessRequestCancelled',
      {
        type: 'AccessRequestCancelled',
        data: { ...base, requestId: 'r1', requesterId: 'dave', cancelledAt: 'x' },
      },
      'dave cancelled their access request 7KQ2M-X9D4P',
    ],
    [
      'ExternalGroupAccessGranted',
      auditorsGranted([{ virtualAccountId: DEFAULT_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }]),
      'alice granted group "Auditors" of Globex VIRTUAL_ACCOUNT_VIEWER on Default',
    ],
    [
      'ExternalGroupAccessRevoked',
      {
        type: 'ExternalGroupAccessRevoked',
        data: {
          ...base,
          groupId: 'g9',
          fromAccountId: 'acc-2',
          reason: 'REVOKED',
          revokedAt: 'x',
          revokedBy: 'alice',
        },
      },
      'alice revoked the access of group g9',
    ],
  ];

  it.each(cases)('%s', (_type, event, expected) => {
    expect(given(...account).summary(event)).toBe(expected);
  });

  it('covers every event type', () => {
    expect(cases.map(([type]) => type).sort()).toEqual([...ACCOUNT_EVENT_TYPES].sort());
  });

  it('names support and its case instead of the person', () => {
    const event: AccountEvent = {
      type: 'UserRemoved',
      data: { ...base, userId: 'carol', previousRoles: [], removedFromGroups: [], notify: false },
    };
    expect(given(...account).summary(event, 'sam', 'CS-1042')).toBe('support (case CS-1042) removed carol');
  });

  it('says who lost access when a deleted group takes an external grant with it', () => {
    const granted = cases.find(([type]) => type === 'ExternalGroupAccessGranted')?.[1] as AccountEvent;
    const revoked: AccountEvent = {
      type: 'ExternalGroupAccessRevoked',
      data: {
        ...base,
        groupId: 'g9',
        fromAccountId: 'acc-2',
        reason: 'GROUP_DELETED',
        revokedAt: 'x',
        revokedBy: null,
      },
    };
    expect(given(...account, granted).summary(revoked, null)).toBe(
      'group "Auditors" of Globex lost its access: it was deleted in its own Smart Account',
    );
  });

  it('names the one user an event is about, and nobody when it is about several or none', () => {
    expect(subjectUserIdOf(userAdded('carol', [whole('SMART_ACCOUNT_USER')]))).toBe('carol');
    expect(
      subjectUserIdOf({ type: 'GroupMembersAdded', data: { ...base, groupId: 'g1', userIds: ['a', 'b'] } }),
    ).toBeNull();
    expect(subjectUserIdOf(account[1])).toBeNull();
  });
});
